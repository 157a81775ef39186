// This file is part of OpenCV project.
// It is subject to the license terms in the LICENSE file found in the top-level directory
// of this distribution and at http://opencv.org/license.html.

#include "precomp.hpp"
#include "preprocess.hpp"

#include "opencv2/adaptivetext/detector.hpp"

namespace cv {
namespace adaptivetext {
namespace detail {

int roundToStride(double side)
{
    const int n = cvRound(side / NETWORK_STRIDE);
    return std::max(1, n) * NETWORK_STRIDE;
}

Size computeInputSize(const Size& frameSize, int policy, const Size& fixedSize, int sideLength)
{
    CV_CheckGT(frameSize.width, 0, "frame width must be positive");
    CV_CheckGT(frameSize.height, 0, "frame height must be positive");
    if (policy == AdaptiveTextDetector::INPUT_SIZE_FIXED)
    {
        CV_CheckGT(fixedSize.width, 0, "fixed input size: width must be positive");
        CV_CheckGT(fixedSize.height, 0, "fixed input size: height must be positive");
        CV_CheckLE(std::max(fixedSize.width, fixedSize.height), (int)MAX_INPUT_SIDE,
                   "fixed input size: a side is longer than the network input allows");
        return Size(roundToStride(fixedSize.width), roundToStride(fixedSize.height));
    }
    CV_Check(policy, policy == AdaptiveTextDetector::INPUT_SIZE_SHORT_SIDE ||
                     policy == AdaptiveTextDetector::INPUT_SIZE_LONG_SIDE,
             "unknown input size policy (expected INPUT_SIZE_FIXED, _SHORT_SIDE or _LONG_SIDE)");
    CV_CheckGT(sideLength, 0, "side length of the keep-aspect input size policy must be positive");
    CV_CheckLE(sideLength, (int)MAX_INPUT_SIDE, "side length of the keep-aspect input size policy is too long");
    const double w = frameSize.width, h = frameSize.height;
    const double ref = policy == AdaptiveTextDetector::INPUT_SIZE_SHORT_SIDE ? std::min(w, h) : std::max(w, h);
    // Under the short-side policy the long side follows the aspect ratio, which a strip makes unbounded.
    const double scale = std::min(sideLength / ref, MAX_INPUT_SIDE / std::max(w, h));
    // roundToStride of a side <= MAX_INPUT_SIDE stays <= MAX_INPUT_SIDE, a multiple of the stride.
    return Size(roundToStride(w * scale), roundToStride(h * scale));
}

void checkFrame(const Mat& frame)
{
    CV_CheckGT(frame.total(), (size_t)0, "AdaptiveTextDetector: the frame is empty");
    CV_CheckEQ(frame.dims, 2, "AdaptiveTextDetector: the frame must be a 2-d image");
    CV_CheckDepth(frame.depth(), frame.depth() == CV_8U,
                  "AdaptiveTextDetector: the frame must be 8-bit (CV_8U); convert it first");
    CV_Check(frame.channels(), frame.channels() == 1 || frame.channels() == 3 || frame.channels() == 4,
             "AdaptiveTextDetector: the frame must have 1 (gray), 3 (BGR) or 4 (BGRA) channels");
}

Mat makeInputBlob(const Mat& frame, const Size& netSize)
{
    CV_TRACE_FUNCTION();
    checkFrame(frame);
    Mat resized;
    if (frame.size() == netSize)
        resized = frame;
    else
    {
        const bool shrinking = netSize.area() < frame.size().area();
        resize(frame, resized, netSize, 0, 0, shrinking ? INTER_AREA : INTER_LINEAR);
    }
    Mat bgr;
    if (resized.channels() == 1)
        cvtColor(resized, bgr, COLOR_GRAY2BGR);
    else if (resized.channels() == 4)
        cvtColor(resized, bgr, COLOR_BGRA2BGR);
    else
        bgr = resized;
    // No mean, scale or swap: preprocessing is the graph's first node (doc/model_format.md §1).
    return dnn::blobFromImage(bgr, 1.0, Size(), Scalar(), false, false, CV_32F);
}

}  // namespace detail
}  // namespace adaptivetext
}  // namespace cv
