// This file is part of OpenCV project.
// It is subject to the license terms in the LICENSE file found in the top-level directory
// of this distribution and at http://opencv.org/license.html.

// Detects arbitrary-shape text with cv::AdaptiveTextDetector in an image, a folder of images, a video
// file or a camera. With --output=DIR it writes, per image (or video frame), NAME.txt with one detection a
// line "x1,y1,...,xn,yn,score" and NAME.png with the polygons drawn. Prints the detection latency.
// --rectify adds NAME_k.png, the k-th polygon unwarped into a straight strip; --ocr reads each strip with the
// scene-text recogniser (cv::adaptivetext::TextReader, installed by tools/install_recognizer.sh), or with
// Tesseract (--ocr=tesseract: cv::text::OCRTesseract, where OpenCV has the text module), and appends the text to
// its line.
#include <opencv2/adaptivetext.hpp>
#include <opencv2/core/utils/filesystem.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#include "text_reading.hpp"
#ifdef ADAPTIVETEXT_WITH_HIGHGUI
#include <opencv2/highgui.hpp>
#endif
#ifdef ADAPTIVETEXT_WITH_VIDEOIO
#include <opencv2/videoio.hpp>
#endif

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>

// Checked output, option checks and the run summary (doc/reliability.md).
#include "sample_utils.hpp"

using namespace cv;

static const char* const keys =
    "{ help h     |     | print this help }"
    "{ input i    |     | an image, a folder of images, a video file or a camera index }"
    "{ model m    |     | adaptivetext .onnx model, or \"lines\" (the default) or \"words\" for a shipped model (doc/detector.md) }"
    "{ score      | -1  | minimum text score of a detection; -1 the model's own (0.7 for lines, 0.85 for words) }"
    "{ nms        | -1  | polygon-IoU threshold of the non-maximum suppression; -1 the model's own (0.1 for the shipped models) }"
    "{ width      | 0   | fixed network input width (with --height; multiple of 16) }"
    "{ height     | 0   | fixed network input height (with --width) }"
    "{ long_side  | 0   | keep the aspect ratio, long side scaled to this (default: the model's own, 512 plus --small_side for lines) }"
    "{ short_side | 0   | keep the aspect ratio, short side scaled to this }"
    "{ small_side | -1  | side of a second, larger pass for small text (same policy); 0 one pass; -1 the model's default (672 for lines, 1120 for words) }"
    "{ small_split| 0   | polygons thinner than this, in first-pass input pixels, come from the second pass; 0 the default (32) }"
    "{ verifier   |     | candidate verifier .onnx, or \"verifier\" for the shipped one (with the shipped line model); \"off\": none; empty: the model's default, the shipped verifier for the shipped line model (doc/detector.md) }"
    "{ verifier_score | -1 | lowest score of a candidate the verifier sees; -1 the default (0.2045) }"
    "{ backend    | 0   | cv::dnn backend: 0 automatic, 3 OpenCV, 5 CUDA }"
    "{ target     | 0   | cv::dnn target: 0 CPU, 1 OpenCL, 2 OpenCL FP16, 6 CUDA, 7 CUDA FP16 }"
    "{ output o   |     | folder for NAME.txt and NAME.png (created if missing) }"
    "{ rectify    |     | also write NAME_k.png: polygon k unwarped into a straight strip (needs --output) }"
    "{ ocr        |     | read each strip; the text ends its line in NAME.txt (needs --output). --ocr: the scene-text recogniser (Chinese and English; tools/install_recognizer.sh); --ocr=tesseract: Tesseract }"
    "{ ocr_lang   | eng | Tesseract languages for --ocr=tesseract, e.g. chi_sim+eng (the first leads) }"
    "{ recognizer |     | recogniser for --ocr: a folder of tools/prepare_recognizer.py or one of its .onnx files; empty: $ADAPTIVETEXT_RECOGNIZER_DIR, else ~/.cache/adaptivetext-recognizer }";

namespace {

struct Detections
{
    std::vector<std::vector<Point> > polygons;
    std::vector<float> scores;
    std::vector<std::string> texts;  // --ocr: one per polygon
};

// Set by main when --rectify or --ocr is given.
const text_reading::StripReader* stripReader = nullptr;

bool isImageFile(const std::string& path)
{
    std::string ext = path.substr(path.find_last_of('.') + 1);
    std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char c) { return (char)std::tolower(c); });
    static const char* const known[] = { "jpg", "jpeg", "png", "bmp", "tif", "tiff", "webp", "pgm", "ppm" };
    return std::find_if(std::begin(known), std::end(known), [&](const char* e) { return ext == e; }) != std::end(known);
}

std::string stem(const std::string& path)
{
    const size_t slash = path.find_last_of("/\\");
    const std::string name = slash == std::string::npos ? path : path.substr(slash + 1);
    return name.substr(0, name.find_last_of('.'));
}

// Distinct, saturated colours (BGR) so that neighbouring polygons are told apart.
Scalar colourOf(size_t i)
{
    static const Scalar palette[] = { Scalar(0, 220, 0), Scalar(0, 140, 255), Scalar(255, 80, 0),
                                      Scalar(220, 0, 220), Scalar(0, 220, 220), Scalar(255, 200, 0) };
    return palette[i % (sizeof(palette) / sizeof(palette[0]))];
}

Mat drawDetections(const Mat& frame, const Detections& d)
{
    Mat canvas;
    if (frame.channels() == 1)
        cvtColor(frame, canvas, COLOR_GRAY2BGR);
    else if (frame.channels() == 4)
        cvtColor(frame, canvas, COLOR_BGRA2BGR);
    else
        canvas = frame.clone();
    const int thickness = std::max(1, std::min(canvas.cols, canvas.rows) / 400);
    for (size_t i = 0; i < d.polygons.size(); ++i)
    {
        polylines(canvas, d.polygons[i], true, colourOf(i), thickness + 1, LINE_AA);
        const std::string label = d.texts.empty() ? format("%.2f", d.scores[i]) : d.texts[i];
        const Point at = d.polygons[i].front() + Point(0, -4);
        // dark outline under the coloured text keeps it readable on any background
        putText(canvas, label, at, FONT_HERSHEY_SIMPLEX, 0.5 * thickness, Scalar::all(0), 3 * thickness, LINE_AA);
        putText(canvas, label, at, FONT_HERSHEY_SIMPLEX, 0.5 * thickness, colourOf(i), thickness, LINE_AA);
    }
    return canvas;
}

void writeResults(const std::string& dir, const std::string& name, const Mat& frame, const Detections& detected)
{
    Detections d = detected;
    if (stripReader)
        d.texts = stripReader->run(frame, d.polygons, dir, name);
    std::ofstream txt(utils::fs::join(dir, name + ".txt"));
    for (size_t i = 0; i < d.polygons.size(); ++i)
    {
        for (const Point& p : d.polygons[i])
            txt << p.x << ',' << p.y << ',';
        txt << format("%.4f", d.scores[i]);
        if (!d.texts.empty())
        {
            txt << ',' << d.texts[i];
            std::cout << name << " text " << i << ": " << d.texts[i] << std::endl;
        }
        txt << '\n';
    }
    // Every write is checked; a failure throws adaptivetext_sample::WriteError naming the file (doc/reliability.md).
    adaptivetext_sample::closeOrThrow(txt, utils::fs::join(dir, name + ".txt"));
    adaptivetext_sample::writeImageOrThrow(utils::fs::join(dir, name + ".png"), drawDetections(frame, d));
}

// Writes a frame's results; false (with `error`) when they could not be kept.
bool writeFrameResults(const std::string& dir, const std::string& name, const Mat& frame, const Detections& d,
                       std::string& error)
{
    try
    {
        writeResults(dir, name, frame, d);
        return true;
    }
    catch (const adaptivetext_sample::WriteError& e)
    {
        error = e.what();
        return false;
    }
}

Detections detectTimed(const Ptr<AdaptiveTextDetector>& detector, const Mat& frame, double& ms)
{
    Detections d;
    TickMeter tm;
    tm.start();
    detector->detect(frame, d.polygons, d.scores);
    tm.stop();
    ms = tm.getTimeMilli();
    return d;
}

// A frame whose detection throws is a failed input; the run goes on with the next one.
bool detectFrame(const Ptr<AdaptiveTextDetector>& detector, const Mat& frame, Detections& d, double& ms,
                 std::string& error)
{
    try
    {
        d = detectTimed(detector, frame, ms);
        return true;
    }
    catch (const cv::Exception& e)
    {
        error = "detection failed: " + e.err;
        return false;
    }
}

double median(std::vector<double> v)
{
    if (v.empty())
        return 0;
    std::sort(v.begin(), v.end());
    return v.size() % 2 ? v[v.size() / 2] : 0.5 * (v[v.size() / 2 - 1] + v[v.size() / 2]);
}

int runImages(const Ptr<AdaptiveTextDetector>& detector, const std::vector<std::string>& files,
              const std::string& outDir)
{
    std::vector<double> latencies;
    adaptivetext_sample::RunSummary summary;
    for (const std::string& file : files)
    {
        ++summary.frames;
        const Mat frame = imread(file, IMREAD_COLOR);
        if (frame.empty())
        {
            summary.fail(file, "cannot read the image");
            continue;
        }
        double ms = 0;
        Detections d;
        std::string error;
        if (!detectFrame(detector, frame, d, ms, error))
        {
            summary.fail(file, error);
            continue;
        }
        latencies.push_back(ms);
        std::cout << file << ": " << d.polygons.size() << " text regions, " << format("%.1f", ms) << " ms"
                  << std::endl;
        // A write that fails (full disk) fails every later one too: stop; the files written so far stay.
        if (!outDir.empty() && !writeFrameResults(outDir, stem(file), frame, d, error))
        {
            summary.fail(file, error + "; stopped, " + std::to_string(files.size() - summary.frames) +
                               " inputs not processed");
            break;
        }
    }
    if (latencies.size() > 1)
        std::cout << "median latency: " << format("%.1f", median(latencies)) << " ms over " << latencies.size()
                  << " images" << std::endl;
    return summary.finish();
}

#ifdef ADAPTIVETEXT_WITH_HIGHGUI
bool haveDisplay()
{
    const char* x = std::getenv("DISPLAY");
    const char* w = std::getenv("WAYLAND_DISPLAY");
    return (x && *x) || (w && *w);
}
#endif

int runVideo(const Ptr<AdaptiveTextDetector>& detector, const std::string& input, const std::string& outDir)
{
#ifdef ADAPTIVETEXT_WITH_VIDEOIO
    const bool isCamera = !input.empty() && std::all_of(input.begin(), input.end(),
                                                              [](unsigned char c) { return std::isdigit(c) != 0; });
    VideoCapture cap;
    if (isCamera)
        cap.open(std::atoi(input.c_str()));
    else
        cap.open(input);
    if (!cap.isOpened())
    {
        std::cerr << input << ": not an image, a folder, a video file or a camera that can be opened" << std::endl;
        return 1;
    }
#ifdef ADAPTIVETEXT_WITH_HIGHGUI
    const bool show = haveDisplay();
    const std::string window = "adaptive text detection";
#else
    const bool show = false;
#endif
    const std::string name = isCamera ? "camera" + input : stem(input);
    Mat frame;
    std::vector<double> latencies;
    adaptivetext_sample::RunSummary summary;
    for (int index = 0; cap.read(frame) && !frame.empty(); ++index)
    {
        ++summary.frames;
        const std::string frameName = format("%s_%06d", name.c_str(), index);
        double ms = 0;
        Detections d;
        std::string error;
        if (!detectFrame(detector, frame, d, ms, error))
        {
            summary.fail(frameName, error);
            continue;
        }
        latencies.push_back(ms);
        std::cout << name << " frame " << index << ": " << d.polygons.size() << " text regions, "
                  << format("%.1f", ms) << " ms" << std::endl;
        if (!outDir.empty() && !writeFrameResults(outDir, frameName, frame, d, error))
        {
            summary.fail(frameName, error + "; stopped");
            break;
        }
#ifdef ADAPTIVETEXT_WITH_HIGHGUI
        if (show)
        {
            Mat canvas = drawDetections(frame, d);
            putText(canvas, format("FPS %.1f", 1000.0 / std::max(ms, 1e-3)), Point(10, 30), FONT_HERSHEY_SIMPLEX, 0.8,
                    Scalar(0, 255, 0), 2, LINE_AA);
            imshow(window, canvas);
            if (waitKey(1) == 27)  // Esc
                break;
        }
#endif
    }
    (void)show;
    if (!latencies.empty())
        std::cout << "median latency: " << format("%.1f", median(latencies)) << " ms over " << latencies.size()
                  << " frames" << std::endl;
    if (summary.frames == 0)
        summary.fail(input, "no frame could be read");
    return summary.finish();
#else
    (void)detector;
    (void)outDir;
    std::cerr << input << ": video files and cameras need OpenCV's videoio module, which this build lacks"
              << std::endl;
    return 1;
#endif
}

// The numeric options, each within what the detector accepts (detector.hpp); "" when all are fine.
std::string checkOptions(float score, float nms, int width, int height, int longSide, int shortSide, int smallSide,
                         float smallSplit, float verifierScore, int backend, int target)
{
    adaptivetext_sample::OptionErrors e;
    const int maxSide = AdaptiveTextDetector::MAX_INPUT_SIDE, minSide = AdaptiveTextDetector::MIN_SIDE_LENGTH;
    if (score != -1.f)  // -1: the model's own threshold (doc/detector.md, "Settings come from the model")
        e.unitInterval("score", score);
    if (nms != -1.f)
        e.unitInterval("nms", nms);
    e.intInOrUnset("width", width, 0, 1, maxSide, "the detector's largest input side");
    e.intInOrUnset("height", height, 0, 1, maxSide, "the detector's largest input side");
    e.intInOrUnset("long_side", longSide, 0, minSide, maxSide, "network stride to the largest input side");
    e.intInOrUnset("short_side", shortSide, 0, minSide, maxSide, "network stride to the largest input side");
    if (smallSide != -1)
        e.intInOrUnset("small_side", smallSide, 0, minSide, maxSide,
                       "-1 (the default), 0 (one pass) or the network stride to the largest input side");
    if (!(smallSplit >= 0.f && smallSplit <= maxSide))
        e.add(format("--small_split = %g is out of range: it must be 0 (the default) or in (0, %d] pixels",
                     smallSplit, maxSide));
    if (verifierScore != -1.f && !(verifierScore >= 0.f && verifierScore <= 1.f))
        e.add(format("--verifier_score=%g is out of range: it must be -1 (the default) or in [0, 1]", verifierScore));
    e.intIn("backend", backend, dnn::DNN_BACKEND_DEFAULT, dnn::DNN_BACKEND_TIMVX, "a cv::dnn::Backend");
    e.intIn("target", target, dnn::DNN_TARGET_CPU, dnn::DNN_TARGET_NPU, "a cv::dnn::Target");
    if (e.ok() && ((width > 0) != (height > 0) || (width > 0 && (longSide > 0 || shortSide > 0)) ||
                   (longSide > 0 && shortSide > 0)))
        e.add("give either --width and --height, or --long_side, or --short_side");
    return e.first;
}

}  // namespace

// Exit codes: 0 all inputs done, 1 an input or a write failed (listed on stderr), 2 a bad option.
int main(int argc, char** argv)
{
    const adaptivetext_sample::JoinedArgs args(argc, argv, {"-i", "--input", "-m", "--model", "-o", "--output", "--ocr_lang", "--recognizer"});
    CommandLineParser parser(args.argc(), args.argv(), keys);
    parser.about("Arbitrary-shape scene text detection (adaptive text region representation)");
    if (argc == 1 || parser.has("help"))
    {
        parser.printMessage();
        return argc == 1 ? adaptivetext_sample::EXIT_USAGE : 0;
    }
    const std::string input = parser.get<std::string>("input");
    const std::string model = parser.get<std::string>("model");
    const std::string outDir = parser.get<std::string>("output");
    const float score = parser.get<float>("score"), nms = parser.get<float>("nms");
    const int width = parser.get<int>("width"), height = parser.get<int>("height");
    const int longSide = parser.get<int>("long_side"), shortSide = parser.get<int>("short_side");
    const int smallSide = parser.get<int>("small_side");
    const float smallSplit = parser.get<float>("small_split");
    const int backend = parser.get<int>("backend"), target = parser.get<int>("target");
    const std::string verifier = parser.get<std::string>("verifier");
    const float verifierScore = parser.get<float>("verifier_score");
    const bool rectify = parser.has("rectify"), ocr = parser.has("ocr");
    const std::string ocrLanguage = parser.get<std::string>("ocr_lang");
    const std::string ocrValue = ocr ? parser.get<std::string>("ocr") : std::string();
    const std::string recognizer = parser.get<std::string>("recognizer");
    if (!parser.check())
    {
        parser.printErrors();
        return adaptivetext_sample::usageError(parser, "an option has a value that is not a number");
    }
    if (input.empty())
        return adaptivetext_sample::usageError(parser, "--input is required");
    // a bare --ocr reaches the parser as "true"
    const text_reading::OcrEngine ocrEngine = !ocr ? text_reading::OCR_OFF
                                              : ocrValue == "tesseract" ? text_reading::OCR_TESSERACT
                                              : (ocrValue == "true" || ocrValue == "recognizer") ? text_reading::OCR_RECOGNIZER
                                              : text_reading::OCR_OFF;
    if (ocr && ocrEngine == text_reading::OCR_OFF)
        return adaptivetext_sample::usageError(parser, "--ocr takes no value (the recogniser) or =tesseract, not \"" +
                                                           ocrValue + "\"");
    const std::string optionError = checkOptions(score, nms, width, height, longSide, shortSide, smallSide, smallSplit,
                                                 verifierScore, backend, target);
    if (!optionError.empty())
        return adaptivetext_sample::usageError(parser, optionError);
    // Before any work: a run whose results cannot be kept must not start.
    if (!outDir.empty())
    {
        const std::string outError = adaptivetext_sample::prepareOutputDir(outDir);
        if (!outError.empty())
        {
            std::cerr << "error: " << outError << std::endl;
            return 1;
        }
    }

    if ((rectify || ocr) && outDir.empty())
    {
        std::cerr << "--rectify and --ocr write their results next to NAME.txt: give --output" << std::endl;
        return 1;
    }
    if (ocrEngine == text_reading::OCR_TESSERACT && !text_reading::ocrAvailable())
    {
        std::cerr << "--ocr=tesseract needs OpenCV's text module (opencv_contrib), which this build lacks; "
                     "--ocr alone reads with the recogniser" << std::endl;
        return 1;
    }

    try
    {
        const text_reading::StripReader reader(rectify, ocrEngine, ocrLanguage, recognizer);
        if (reader.enabled())
            stripReader = &reader;
        Ptr<AdaptiveTextDetector> detector =
            AdaptiveTextDetector::create(model, Size(width, height), score, nms, backend, target);
        if (longSide > 0)
            detector->setInputSizePolicy(AdaptiveTextDetector::INPUT_SIZE_LONG_SIDE, longSide);
        if (shortSide > 0)
            detector->setInputSizePolicy(AdaptiveTextDetector::INPUT_SIZE_SHORT_SIDE, shortSide);
        if (smallSide != -1 || smallSplit > 0.f)
            detector->setSmallTextPass(smallSide != -1 ? smallSide : detector->getSmallTextSideLength(),
                                       smallSplit > 0.f ? smallSplit : detector->getSmallTextSplitHeight());
        if (!verifier.empty() || verifierScore != -1.f)
        {
            // Only a score: the detector's own verifier (the shipped line model's, or none) at that score.
            const std::string path = verifier == "off" ? "" : verifier.empty() ? detector->getVerifier() : verifier;
            if (verifierScore != -1.f)
                detector->setVerifier(path, verifierScore);
            else
                detector->setVerifier(path);
        }

        if (utils::fs::isDirectory(input))
        {
            std::vector<String> all, images;
            glob(input, all, false);
            for (const String& f : all)
                if (isImageFile(f))
                    images.push_back(f);
            std::sort(images.begin(), images.end());
            if (images.empty())
            {
                std::cerr << input << ": no images in this folder" << std::endl;
                return 1;
            }
            const int rc = runImages(detector, images, outDir);
            return adaptivetext_sample::stdoutWritten() ? rc : 1;
        }
        const int rc = isImageFile(input) ? runImages(detector, { input }, outDir) : runVideo(detector, input, outDir);
        return adaptivetext_sample::stdoutWritten() ? rc : 1;
    }
    catch (const cv::Exception& e)
    {
        std::cerr << e.what() << std::endl;
        return 1;
    }
}
