// This file is part of OpenCV project.
// It is subject to the license terms in the LICENSE file found in the top-level directory
// of this distribution and at http://opencv.org/license.html.

// Frame → network input: the size policy, the frame checks and the 1x3xHxW blob of doc/model_format.md §1.
#ifndef OPENCV_ADAPTIVETEXT_PREPROCESS_HPP
#define OPENCV_ADAPTIVETEXT_PREPROCESS_HPP

#include "precomp.hpp"

namespace cv {
namespace adaptivetext {
namespace detail {

/** Network stride of the contract: input sides must be multiples of it. */
enum { NETWORK_STRIDE = 16 };

/** Longest network input side (a multiple of NETWORK_STRIDE). The short-side policy on a strip would
 *  otherwise ask for millions of pixels per side (a 4095x1 frame at short side 256: a 1048320x256 input,
 *  3.2 GB of blob; doc/fuzzing.md, finding 3). 4096 is over 3.5x the largest long side a shipped model runs
 *  at (1120, the word model) and above the sizes the models are trained at; a 4096x4096 input is a 192 MiB
 *  blob (the backbone's feature maps take several times that, so such sizes are for big machines). */
enum { MAX_INPUT_SIDE = 4096 };

/** Rounds a side length to the nearest multiple of NETWORK_STRIDE, at least NETWORK_STRIDE. */
int roundToStride(double side);

/** The network input size for a frame.
 *  policy: AdaptiveTextDetector::InputSizePolicy; fixedSize is used by INPUT_SIZE_FIXED (rounded to the
 *  stride), sideLength by the keep-aspect policies (the short or long side is scaled to it, the other one
 *  follows the aspect ratio; both then rounded to the stride). Under the keep-aspect policies the scale is
 *  lowered when needed so that the long side is at most MAX_INPUT_SIDE; fixedSize and sideLength must
 *  not exceed it either. */
Size computeInputSize(const Size& frameSize, int policy, const Size& fixedSize, int sideLength);

/** Fails with a cv::Exception that says what is wrong unless the frame is non-empty, 2-d, 8-bit, with 1,
 *  3 or 4 channels. */
void checkFrame(const Mat& frame);

/** Resizes the frame to netSize (INTER_AREA when shrinking, so huge frames are averaged, not aliased;
 *  INTER_LINEAR when enlarging), *then* converts it to BGR (so a huge frame is never copied at full size),
 *  and packs it as a 1x3xHxW float32 blob with values 0..255 (the graph normalises). */
Mat makeInputBlob(const Mat& frame, const Size& netSize);

/** What two passes at netSizes a and b read: a frame larger than the larger of them in both sides is shrunk once
 *  (INTER_AREA) to it, so that the smaller input is taken from that copy (resizing a large frame is the costly
 *  part of preprocessing); any other frame is returned as it is. */
Mat sharedPassSource(const Mat& frame, const Size& a, const Size& b);

}  // namespace detail
}  // namespace adaptivetext
}  // namespace cv

#endif
