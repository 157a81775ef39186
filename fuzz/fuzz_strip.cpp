// This file is part of OpenCV project.
// It is subject to the license terms in the LICENSE file found in the top-level directory
// of this distribution and at http://opencv.org/license.html.

// libFuzzer harness: arbitrary strips (size, depth, channels, layout, pixels) read by cv::adaptivetext::TextReader
// with the installed recogniser (tools/install_recognizer.sh; $ADAPTIVETEXT_RECOGNIZER_DIR). read() must return
// a text (empty for strips under 2x2 pixels), or throw a cv::Exception for a depth other than 8-bit or 2 channels.
// Anything else (crash, sanitizer report, leak, another exception type) stops the fuzzer. A few inputs a second
// under ASan: each read runs the recogniser once or a few times.
//
// Input layout (missing bytes read as 0):
//   [0] channels = 1 + v % 4                [1] depth: CV_8U when v is even, else (v / 2) % 7
//   [2..3] width (little endian) % 4096     [4..5] height % 4096; the area is capped at kMaxPixels by lowering
//                                            the height, so strips like 4095x1 stay possible
//   [6] bit 0: the strip is a non-continuous view into a wider Mat
//   [7..] pixel bytes, repeated to fill the strip (zeros when there are none)
#include <opencv2/adaptivetext.hpp>
#include <opencv2/core/utils/logger.hpp>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <string>

namespace {

const int kMaxPixels = 1 << 18;
const size_t kHeaderSize = 7;

[[noreturn]] void fail(const char* what, const std::string& detail)
{
    std::fprintf(stderr, "adaptivetext fuzz_strip: %s: %s\n", what, detail.c_str());
    std::abort();
}

const cv::adaptivetext::TextReader& reader()
{
    static cv::Ptr<cv::adaptivetext::TextReader> r;
    if (!r)
    {
        try
        {
            r = cv::adaptivetext::TextReader::create();
        }
        catch (const cv::Exception& e)
        {
            fail("no recogniser", e.err);
        }
    }
    return *r;
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int* /*argc*/, char*** /*argv*/)
{
    cv::utils::logging::setLogLevel(cv::utils::logging::LOG_LEVEL_SILENT);
    reader();
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    uint8_t h[kHeaderSize] = {};
    std::memcpy(h, data, std::min(size, kHeaderSize));
    const int channels = 1 + h[0] % 4;
    const int depth = (h[1] % 2 == 0) ? CV_8U : (h[1] / 2) % 7;
    const int width = (h[2] | (h[3] << 8)) % 4096;
    int height = (h[4] | (h[5] << 8)) % 4096;
    if (width > 0 && width * height > kMaxPixels)
        height = kMaxPixels / width;
    cv::Mat strip;
    if ((h[6] & 1) && width > 0)
        strip = cv::Mat(height, width + 3, CV_MAKETYPE(depth, channels)).colRange(1, width + 1);
    else
        strip = cv::Mat(height, width, CV_MAKETYPE(depth, channels));
    const uint8_t* pixels = data + std::min(size, kHeaderSize);
    const size_t count = size - std::min(size, kHeaderSize);
    const size_t rowBytes = (size_t)width * strip.elemSize();
    size_t at = 0;
    for (int y = 0; y < height; ++y)
    {
        uint8_t* row = strip.ptr<uint8_t>(y);
        for (size_t x = 0; x < rowBytes; ++x, ++at)
            row[x] = count ? pixels[at % count] : 0;
    }
    const bool mustThrow = !strip.empty() && width >= 2 && height >= 2 && (depth != CV_8U || channels == 2);
    try
    {
        const std::string text = reader().read(strip);
        if (mustThrow)
            fail("accepted a bad strip", cv::typeToString(strip.type()));
    }
    catch (const cv::Exception& e)
    {
        if (!mustThrow)
            fail("refused a good strip", cv::typeToString(strip.type()) + " " + std::to_string(width) + "x" +
                                             std::to_string(height) + ": " + e.err);
    }
    catch (const std::exception& e)
    {
        fail("not a cv::Exception", e.what());
    }
    return 0;
}
