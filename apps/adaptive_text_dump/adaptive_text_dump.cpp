// This file is part of OpenCV project.
// It is subject to the license terms in the LICENSE file found in the top-level directory
// of this distribution and at http://opencv.org/license.html.

// Runs an adaptivetext model on an image or a .npy blob and writes each graph output as float32 .npy, so
// that the PyTorch export can be compared with the C++ layers output by output.
//
//   adaptive_text_dump --model=m.onnx --input=img.png|blob.npy --out=DIR [--width=W --height=H]
//
// An image is converted to the graph input (1x3xHxW float BGR 0..255, no mean/scale: the graph
// preprocesses itself), resized to --width x --height when given; both must be multiples of 16.
// A .npy input must already be the 1x3xHxW float32 blob.
// Exit codes: 0 done, 1 a failure (model, input, or an output that could not be written), 2 a bad option.
#include "../../samples/sample_utils.hpp"  // checked output and option checks, shared with the samples

#include <opencv2/adaptivetext.hpp>
#include <opencv2/core/utils/filesystem.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include <cstdint>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

namespace adaptivetext_app = adaptivetext_sample;

namespace {

const char* const kOutputNames[] = { "rois", "rpn_scores", "text_scores", "box_deltas", "pairs", "num_pairs" };

bool endsWith(const std::string& s, const std::string& suffix)
{
    return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

// Reads a little-endian float32, C-order .npy (what numpy.save writes for a float32 array).
cv::Mat readNpyFloat(const std::string& path)
{
    std::ifstream f(path, std::ios::binary);
    if (!f)
        CV_Error(cv::Error::StsError, "cannot open " + path);
    char magic[8];
    f.read(magic, 8);
    if (!f || std::string(magic + 1, 5) != "NUMPY")
        CV_Error(cv::Error::StsError, path + " is not a .npy file");
    uint32_t headerLen = 0;
    if (magic[6] == 1)
    {
        unsigned char b[2];
        f.read(reinterpret_cast<char*>(b), 2);
        headerLen = b[0] | (b[1] << 8);
    }
    else
    {
        unsigned char b[4];
        f.read(reinterpret_cast<char*>(b), 4);
        headerLen = b[0] | (b[1] << 8) | (b[2] << 16) | ((uint32_t)b[3] << 24);
    }
    std::string header(headerLen, '\0');
    f.read(&header[0], headerLen);
    if (header.find("'<f4'") == std::string::npos || header.find("'fortran_order': False") == std::string::npos)
        CV_Error(cv::Error::StsError, path + ": only C-order float32 (<f4) .npy files are supported");
    const size_t open = header.find('(', header.find("'shape'"));
    const size_t close = header.find(')', open);
    std::vector<int> shape;
    std::stringstream dims(header.substr(open + 1, close - open - 1));
    std::string tok;
    while (std::getline(dims, tok, ','))
        if (tok.find_first_of("0123456789") != std::string::npos)
            shape.push_back(std::stoi(tok));
    cv::Mat m((int)shape.size(), shape.data(), CV_32F);
    f.read(reinterpret_cast<char*>(m.data), (std::streamsize)(m.total() * sizeof(float)));
    if (!f)
        CV_Error(cv::Error::StsError, path + ": the file is shorter than its shape says");
    return m;
}

void writeNpyFloat(const std::string& path, const cv::Mat& m)
{
    CV_CheckTypeEQ(m.type(), CV_32F, "only float32 outputs are written");
    std::string shape = "(";
    for (int i = 0; i < m.dims; ++i)
        shape += std::to_string(m.size[i]) + (m.dims == 1 || i + 1 < m.dims ? "," : "");
    shape += ")";
    std::string header = "{'descr': '<f4', 'fortran_order': False, 'shape': " + shape + ", }";
    // magic (6) + version (2) + length (2) + header + '\n' must be a multiple of 64 bytes
    const size_t unpadded = 10 + header.size() + 1;
    header.append((64 - unpadded % 64) % 64, ' ');
    header += '\n';
    std::string bytes("\x93NUMPY\x01\x00", 8);
    const uint16_t len = (uint16_t)header.size();
    bytes += (char)(len & 0xff);
    bytes += (char)(len >> 8);
    bytes += header;
    cv::Mat c = m.isContinuous() ? m : m.clone();
    bytes.append(reinterpret_cast<const char*>(c.data), c.total() * sizeof(float));
    std::string error;
    if (!adaptivetext_app::writeFileChecked(path, bytes, error))
        CV_Error(cv::Error::StsError, error);
}

cv::Mat inputBlob(const std::string& path, int width, int height)
{
    if (endsWith(path, ".npy"))
        return readNpyFloat(path);
    cv::Mat img = cv::imread(path, cv::IMREAD_COLOR);
    if (img.empty())
        CV_Error(cv::Error::StsError, "cannot read the image " + path);
    if (width > 0 && height > 0)
        cv::resize(img, img, cv::Size(width, height), 0, 0, cv::INTER_LINEAR);
    CV_CheckEQ(img.cols % 16, 0, "the network input width must be a multiple of 16 (use --width)");
    CV_CheckEQ(img.rows % 16, 0, "the network input height must be a multiple of 16 (use --height)");
    return cv::dnn::blobFromImage(img, 1.0, cv::Size(), cv::Scalar(), false, false, CV_32F);
}

}  // namespace

int main(int argc, char** argv)
{
    const cv::String keys =
        "{help h  |     | print this help}"
        "{model m |     | adaptivetext ONNX model}"
        "{input i |     | image, or .npy float32 blob 1x3xHxW}"
        "{out o   |     | folder receiving <output>.npy (created if missing)}"
        "{width   | 0   | resize an image input to this width (multiple of 16)}"
        "{height  | 0   | resize an image input to this height (multiple of 16)}";
    const adaptivetext_app::JoinedArgs args(argc, argv, {"-m", "--model", "-i", "--input", "-o", "--out"});
    cv::CommandLineParser parser(args.argc(), args.argv(), keys);
    parser.about("Writes every graph output of an adaptivetext model as .npy (doc/model_format.md section 2).");
    if (parser.has("help"))
    {
        parser.printMessage();
        return 0;
    }
    if (!parser.has("model") || !parser.has("input") || !parser.has("out"))
        return adaptivetext_app::usageError(parser, "--model, --input and --out are required");
    const int width = parser.get<int>("width"), height = parser.get<int>("height");
    if (!adaptivetext_app::parsedCleanly(parser))
        return adaptivetext_app::usageError(parser, "an option has a value that is not a number");
    adaptivetext_app::OptionErrors options;
    const int maxSide = cv::AdaptiveTextDetector::MAX_INPUT_SIDE;
    options.intInOrUnset("width", width, 0, 16, maxSide, "the detector's largest input side");
    options.intInOrUnset("height", height, 0, 16, maxSide, "the detector's largest input side");
    if (options.ok() && (width % 16 != 0 || height % 16 != 0))
        options.add("--width and --height must be multiples of 16 (the network stride)");
    if (options.ok() && (width > 0) != (height > 0))
        options.add("give both --width and --height, or neither");
    if (!options.ok())
        return adaptivetext_app::usageError(parser, options.first);
    const std::string outDir = parser.get<std::string>("out");
    const std::string outError = adaptivetext_app::prepareOutputDir(outDir);
    if (!outError.empty())
    {
        std::cerr << "adaptive_text_dump: " << outError << std::endl;
        return 1;
    }
    try
    {
        cv::dnn::Net net = cv::adaptivetext::readModel(parser.get<std::string>("model"));
        net.setInput(inputBlob(parser.get<std::string>("input"), width, height), "image");
        const std::vector<cv::String> names(std::begin(kOutputNames), std::end(kOutputNames));
        std::vector<cv::Mat> outs;
        net.forward(outs, names);
        for (size_t i = 0; i < names.size(); ++i)
        {
            writeNpyFloat(cv::utils::fs::join(outDir, names[i] + ".npy"), outs[i]);
            std::cout << names[i] << ": " << cv::format("%dD", outs[i].dims) << " total " << outs[i].total() << "\n";
        }
    }
    catch (const cv::Exception& e)
    {
        std::cerr << "adaptive_text_dump: " << e.what() << std::endl;
        return 1;
    }
    return adaptivetext_app::stdoutWritten() ? 0 : 1;
}
