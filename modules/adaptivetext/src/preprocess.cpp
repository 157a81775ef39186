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

// HxWx3 8-bit BGR -> 1x3xHxW float blob, values unchanged. Written out instead of dnn::blobFromImage, which
// also allocates a full-size float copy of the image: on this project's 2-core VM glibc hands those big blocks
// back to the kernel after each call and faulting them in again cost 60-190 ms per frame at 976x736-1600x900,
// against about 1 ms for this loop (doc/design/opencv_observations.md §6).
static Mat packBlob(const Mat& bgr)
{
    CV_Assert(bgr.type() == CV_8UC3);
    const int shape[] = { 1, 3, bgr.rows, bgr.cols };
    Mat blob(4, shape, CV_32F);
    const size_t plane = (size_t)bgr.rows * bgr.cols;
    float* blue = blob.ptr<float>();
    float* green = blue + plane;
    float* red = green + plane;
    for (int y = 0; y < bgr.rows; ++y)
    {
        const uchar* src = bgr.ptr<uchar>(y);  // row by row: a frame may be a non-continuous ROI
        const size_t row = (size_t)y * bgr.cols;
        for (int x = 0; x < bgr.cols; ++x, src += 3)
        {
            blue[row + x] = src[0];
            green[row + x] = src[1];
            red[row + x] = src[2];
        }
    }
    return blob;
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
    return packBlob(bgr);
}

Mat sharedPassSource(const Mat& frame, const Size& a, const Size& b)
{
    const Size larger = a.area() >= b.area() ? a : b;
    if (frame.cols <= larger.width || frame.rows <= larger.height)
        return frame;
    Mat shrunk;
    resize(frame, shrunk, larger, 0, 0, INTER_AREA);
    return shrunk;
}

}  // namespace detail
}  // namespace adaptivetext
}  // namespace cv
