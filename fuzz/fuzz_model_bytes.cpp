// This file is part of OpenCV project.
// It is subject to the license terms in the LICENSE file found in the top-level directory
// of this distribution and at http://opencv.org/license.html.

// libFuzzer harness: arbitrary bytes as a model. cv::adaptivetext::readModelFromBuffer must either load
// them or throw a cv::Exception; when they load, a detector built from them must either detect on a small
// frame (returning polygons that keep the header's promises) or throw a cv::Exception. Anything else (a
// crash, a sanitizer report, a leak, another exception type, a broken promise) stops the fuzzer.
//
// Findings 1 and 2 of doc/fuzzing.md (OpenCV 4.6's tensor payload over-read, NaN vertices) are fixed in the
// module (src/onnx_payload_check.cpp, src/postprocess.cpp), so no input is skipped or tolerated here.
#include <opencv2/adaptivetext.hpp>
#include <opencv2/core/utils/logger.hpp>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <fstream>
#include <string>
#include <vector>

namespace {

// Reports a finding and aborts, so that libFuzzer saves the input as a crash reproducer.
[[noreturn]] void fail(const char* what, const std::string& detail)
{
    std::fprintf(stderr, "adaptivetext fuzz_model_bytes: %s: %s\n", what, detail.c_str());
    std::abort();
}

// A fixed 3-channel frame with structure (not constant), so that a loaded model has something to detect.
const cv::Mat& probeFrame()
{
    static const cv::Mat frame = [] {
        cv::Mat m(40, 56, CV_8UC3);
        cv::RNG rng(20190616);
        rng.fill(m, cv::RNG::UNIFORM, 0, 256);
        return m;
    }();
    return frame;
}

// The promises of detector.hpp: one score per polygon, vertices clipped to the frame, 2n vertices (n >= 2),
// scores in descending order.
void checkDetections(const std::vector<std::vector<cv::Point> >& polygons, const std::vector<float>& scores,
                     const cv::Size& frameSize)
{
    if (polygons.size() != scores.size())
        fail("broken promise", cv::format("%zu polygons but %zu scores", polygons.size(), scores.size()));
    for (size_t i = 0; i < polygons.size(); ++i)
    {
        const std::vector<cv::Point>& poly = polygons[i];
        if (poly.size() < 4 || poly.size() % 2 != 0)
            fail("broken promise", cv::format("polygon %zu has %zu vertices (expected 2n, n >= 2)", i, poly.size()));
        for (const cv::Point& p : poly)
            if (p.x < 0 || p.y < 0 || p.x >= frameSize.width || p.y >= frameSize.height)
                fail("broken promise", cv::format("polygon %zu has vertex (%d, %d) outside the %dx%d frame", i,
                                                  p.x, p.y, frameSize.width, frameSize.height));
        if (i > 0 && !(scores[i] <= scores[i - 1]))
            fail("broken promise", cv::format("scores not descending: %g after %g", scores[i], scores[i - 1]));
    }
}

// The detector takes a path, so a model that loaded from memory is written to this file first.
const std::string& modelFile()
{
    static const std::string path = cv::tempfile(".onnx");
    return path;
}

void detectWithModel(const uint8_t* data, size_t size)
{
    {
        std::ofstream f(modelFile(), std::ios::binary | std::ios::trunc);
        f.write(reinterpret_cast<const char*>(data), (std::streamsize)size);
    }
    cv::Ptr<cv::AdaptiveTextDetector> detector = cv::AdaptiveTextDetector::create(modelFile(), cv::Size(48, 32));
    std::vector<std::vector<cv::Point> > polygons;
    std::vector<float> scores;
    detector->detect(probeFrame(), polygons, scores);
    checkDetections(polygons, scores, probeFrame().size());
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int* /*argc*/, char*** /*argv*/)
{
    // Most inputs make the ONNX importer log an error; printing them would cost more than the parsing.
    cv::utils::logging::setLogLevel(cv::utils::logging::LOG_LEVEL_SILENT);
    // One thread: reproducible runs, and the machine is shared.
    cv::setNumThreads(1);
    cv::adaptivetext::registerLayers();
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    try
    {
        const std::vector<uchar> bytes(data, data + size);
        cv::dnn::Net net;
        try
        {
            net = cv::adaptivetext::readModelFromBuffer(bytes);
        }
        catch (const cv::Exception&)
        {
            return 0;  // refused with a message: the expected outcome for almost every input
        }
        if (net.empty())
            fail("broken promise", "readModelFromBuffer returned an empty Net without throwing");
        try
        {
            detectWithModel(data, size);
        }
        catch (const cv::Exception&)
        {
            // A graph that loads but cannot run (shapes, attributes): refusing it with a message is fine.
        }
    }
    catch (const std::exception& e)
    {
        fail("exception that is not a cv::Exception", e.what());
    }
    return 0;
}
