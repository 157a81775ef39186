// This file is part of OpenCV project.
// It is subject to the license terms in the LICENSE file found in the top-level directory
// of this distribution and at http://opencv.org/license.html.

// libFuzzer harness: arbitrary frames (size, depth, channels, layout, pixels) and detector settings,
// run through cv::AdaptiveTextDetector with the tiny model of test/data. detect() must either return
// polygons that keep the promises of detector.hpp or throw a cv::Exception (wrong depth, 2 or 5 channels,
// empty frame). Anything else (crash, sanitizer report, leak, out-of-memory, another exception type, a
// broken promise) stops the fuzzer.
//
// Input layout (missing bytes read as 0; see fuzz/README.md):
//   [0] depth % 8 (CV_8U .. CV_16F)        [1] channels = 1 + v % 5
//   [2..3] width  (little endian) % 4096    [4..5] height % 4096; the area is capped at kMaxPixels by
//                                            lowering the height, so strips like 4095x1 stay possible
//   [6] size policy % 3 (fixed, short side, long side)
//   [7] side length / fixed size: 16 * (1 + v % 16) (and 16 * (1 + v / 16) for the fixed height)
//   [8] score threshold = v / 255 (0 keeps every RoI the model decodes; values outside [0, 1] are refused)
//   [9] NMS threshold = v / 255
//   [10] bit 0: frame is a non-continuous view into a wider Mat; bit 1: call detectTextRectangles
//   [11..] pixel bytes, repeated to fill the frame (zeros when there are none)
//
// Finding 3 of doc/fuzzing.md (the short-side policy on a strip asked for a network input of millions of
// pixels per side) is fixed by the detector's cap of the input's long side, so no input is skipped here.
#include <opencv2/adaptivetext.hpp>
#include <opencv2/core/utils/logger.hpp>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <string>
#include <vector>

namespace {

// A 1024x1024 frame at most (40 MB for 5 channels of 64-bit): the harness tests the detector, not malloc.
const int kMaxPixels = 1 << 20;
const size_t kHeaderSize = 11;

[[noreturn]] void fail(const char* what, const std::string& detail)
{
    std::fprintf(stderr, "adaptivetext fuzz_frame: %s: %s\n", what, detail.c_str());
    std::abort();
}

struct FuzzCase
{
    int type = CV_8UC1;
    cv::Size size;
    int policy = cv::AdaptiveTextDetector::INPUT_SIZE_FIXED;
    int sideLength = 16;
    cv::Size fixedSize;
    float scoreThreshold = 0.f;
    float nmsThreshold = 0.f;
    bool nonContinuous = false;
    bool rectangles = false;
};

FuzzCase parseHeader(const uint8_t* data, size_t size)
{
    uint8_t h[kHeaderSize] = {};
    std::memcpy(h, data, std::min(size, kHeaderSize));
    FuzzCase c;
    c.type = CV_MAKETYPE(h[0] % 8, 1 + h[1] % 5);
    int width = (h[2] | (h[3] << 8)) % 4096;
    int height = (h[4] | (h[5] << 8)) % 4096;
    if (width > 0 && width * height > kMaxPixels)
        height = kMaxPixels / width;
    c.size = cv::Size(width, height);
    c.policy = h[6] % 3;  // the InputSizePolicy values 0, 1, 2
    c.sideLength = 16 * (1 + h[7] % 16);
    c.fixedSize = cv::Size(16 * (1 + h[7] % 16), 16 * (1 + h[7] / 16));
    c.scoreThreshold = h[8] / 255.f;
    c.nmsThreshold = h[9] / 255.f;
    c.nonContinuous = (h[10] & 1) != 0;
    c.rectangles = (h[10] & 2) != 0;
    return c;
}

// The frame's bytes are the pixel bytes of the input repeated, row by row (so a non-continuous view gets
// the same content as a continuous one).
cv::Mat makeFrame(const FuzzCase& c, const uint8_t* pixels, size_t count)
{
    cv::Mat frame;
    if (c.nonContinuous && c.size.width > 0)
        frame = cv::Mat(c.size.height, c.size.width + 3, c.type).colRange(1, c.size.width + 1);
    else
        frame = cv::Mat(c.size, c.type);
    const size_t rowBytes = (size_t)frame.cols * frame.elemSize();
    size_t next = 0;
    for (int y = 0; y < frame.rows; ++y)
    {
        uchar* row = frame.ptr(y);
        for (size_t x = 0; x < rowBytes; ++x)
        {
            row[x] = count ? pixels[next] : 0;
            next = count ? (next + 1) % count : 0;
        }
    }
    return frame;
}

cv::AdaptiveTextDetector& detector()
{
    static const cv::Ptr<cv::AdaptiveTextDetector> instance =
        cv::AdaptiveTextDetector::create(ADAPTIVETEXT_TEST_DATA_DIR "/tiny_detector.onnx");
    return *instance;
}

void checkPolygons(const std::vector<std::vector<cv::Point> >& polygons, const std::vector<float>& scores,
                   const cv::Size& frameSize)
{
    if (polygons.size() != scores.size())
        fail("broken promise", cv::format("%zu polygons but %zu scores", polygons.size(), scores.size()));
    for (size_t i = 0; i < polygons.size(); ++i)
    {
        if (polygons[i].size() < 4 || polygons[i].size() % 2 != 0)
            fail("broken promise", cv::format("polygon %zu has %zu vertices (expected 2n, n >= 2)", i,
                                              polygons[i].size()));
        for (const cv::Point& p : polygons[i])
            if (p.x < 0 || p.y < 0 || p.x >= frameSize.width || p.y >= frameSize.height)
                fail("broken promise", cv::format("polygon %zu has vertex (%d, %d) outside the %dx%d frame", i,
                                                  p.x, p.y, frameSize.width, frameSize.height));
        if (i > 0 && !(scores[i] <= scores[i - 1]))
            fail("broken promise", cv::format("scores not descending: %g after %g", scores[i], scores[i - 1]));
    }
}

void checkRectangles(const std::vector<cv::RotatedRect>& rects, const std::vector<float>& scores)
{
    if (rects.size() != scores.size())
        fail("broken promise", cv::format("%zu rectangles but %zu scores", rects.size(), scores.size()));
}

void runCase(const FuzzCase& c, const cv::Mat& frame)
{
    cv::AdaptiveTextDetector& det = detector();
    if (c.policy == cv::AdaptiveTextDetector::INPUT_SIZE_FIXED)
        det.setInputSize(c.fixedSize);
    else
        det.setInputSizePolicy(c.policy, c.sideLength);
    det.setScoreThreshold(c.scoreThreshold);
    det.setNMSThreshold(c.nmsThreshold);
    if (c.rectangles)
    {
        std::vector<cv::RotatedRect> rects;
        std::vector<float> scores;
        det.detectTextRectangles(frame, rects, scores);
        checkRectangles(rects, scores);
    }
    else
    {
        std::vector<std::vector<cv::Point> > polygons;
        std::vector<float> scores;
        det.detect(frame, polygons, scores);
        checkPolygons(polygons, scores, frame.size());
    }
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int* /*argc*/, char*** /*argv*/)
{
    cv::utils::logging::setLogLevel(cv::utils::logging::LOG_LEVEL_SILENT);
    cv::setNumThreads(1);  // reproducible runs; the machine is shared
    detector();            // load the model once, outside the timed inputs
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    const FuzzCase c = parseHeader(data, size);
    const uint8_t* pixels = size > kHeaderSize ? data + kHeaderSize : nullptr;
    const size_t pixelCount = size > kHeaderSize ? size - kHeaderSize : 0;
    try
    {
        const cv::Mat frame = makeFrame(c, pixels, pixelCount);
        try
        {
            runCase(c, frame);
        }
        catch (const cv::Exception&)
        {
            // Refused with a message (wrong depth or channels, empty frame): the expected outcome.
        }
    }
    catch (const std::exception& e)
    {
        fail("exception that is not a cv::Exception", e.what());
    }
    return 0;
}
