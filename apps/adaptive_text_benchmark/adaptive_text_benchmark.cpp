// This file is part of OpenCV project.
// It is subject to the license terms in the LICENSE file found in the top-level directory
// of this distribution and at http://opencv.org/license.html.

// CPU latency per stage and end to end, and peak memory, of an adaptivetext model (doc/benchmarks.md).
//
//   adaptive_text_benchmark --model=m.onnx --image=img.jpg [--sizes=short736,1280x736] [--threads=1,2]
//                           [--runs=20] [--warmup=3] [--json=out.json] [--list_layers]
//
// For every input size and thread count:
//  1. a cv::AdaptiveTextDetector is created and warmed up; its peak resident memory (VmHWM, reset just before
//     through /proc/self/clear_refs) is the "peak memory" of the detector at that size;
//  2. the stages, timed over `runs` iterations on a separate cv::dnn::Net of the same model (one per pass):
//     resize + blob (timed around the calls), then one forward whose per-layer times (Net::getPerfProfile) are
//     summed per stage, then the detector's postprocess (polygons + NMS: the module's own postprocess.cpp,
//     compiled into this tool because its functions are internal) on that forward's outputs;
//  3. end to end: AdaptiveTextDetector::detect on the same image, `runs` calls in a row, as a caller of detect()
//     sees it and as the baseline's bench.py times its own pipeline (calls in a row, not each after a staged
//     iteration, whose nets would just have filled the caches).
// Medians, p10 and p90 over the iterations are printed as a table and as one JSON line.
// Exit codes: 0 done, 1 a failure (model, image, or an output that could not be written), 2 a bad option.
#include "../../samples/sample_utils.hpp"  // checked output and option checks, shared with the samples

#include <opencv2/adaptivetext.hpp>
#include "postprocess.hpp"  // modules/adaptivetext/src: the detector's internal postprocess
#include "preprocess.hpp"   // and preprocess
#include <opencv2/core/utility.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

namespace adaptivetext_app = adaptivetext_sample;

namespace {

const int kNetworkStride = 16;  // doc/model_format.md §1

// Whether the detector imports its Nets with the module's 3x3 convolutions (on the CPU, as here): where the CPU
// has the kernel, unless ADAPTIVETEXT_FAST_CONV=0 (adaptive_text_detector.cpp). The staged Nets follow it.
bool fastConvolutions()
{
    const char* env = std::getenv("ADAPTIVETEXT_FAST_CONV");
    return cv::adaptivetext::FastConv3x3Layer::isAvailable() && !(env && std::string(env) == "0");
}

// The stages of the table, in pipeline order. "forward_other" is the forward time no layer accounts for
// (cv::dnn's own bookkeeping between layers), so that the stages add up to the end-to-end time.
const char* const kStages[] = { "preprocess", "backbone", "proposals", "roi_features", "refine_decoder",
                                "forward_other", "postprocess" };
enum Stage { PREPROCESS = 0, BACKBONE, PROPOSALS, ROI_FEATURES, REFINE_DECODER, FORWARD_OTHER, POSTPROCESS,
             STAGE_COUNT };

// One requested network input: a fixed WxH, or a side length with the aspect ratio of the image kept.
struct InputSpec
{
    std::string label;
    int policy;      // cv::AdaptiveTextDetector::InputSizePolicy
    cv::Size fixed;  // INPUT_SIZE_FIXED
    int side;        // the keep-aspect policies
    int smallSide;   // the second pass (setSmallTextPass): 0 none, -1 the detector's default
};

std::vector<std::string> splitList(const std::string& s)
{
    std::vector<std::string> items;
    std::stringstream ss(s);
    std::string item;
    while (std::getline(ss, item, ','))
        if (!item.empty())
            items.push_back(item);
    return items;
}

InputSpec parseInputSpec(const std::string& s)
{
    InputSpec spec{ s, cv::AdaptiveTextDetector::INPUT_SIZE_FIXED, cv::Size(), 0, 0 };
    int a = 0, b = 0;
    char tail = 0;
    if (s == "default")  // the detector as created: the line model's two passes
    {
        spec.policy = -1;
        spec.smallSide = -1;
        return spec;
    }
    // The detector's own bounds (detector.hpp), so that a bad size is a usage error before any work.
    const int minSide = cv::AdaptiveTextDetector::MIN_SIDE_LENGTH, maxSide = cv::AdaptiveTextDetector::MAX_INPUT_SIDE;
    if (std::sscanf(s.c_str(), "short%d%c", &a, &tail) == 1 && a >= minSide && a <= maxSide)
    {
        spec.policy = cv::AdaptiveTextDetector::INPUT_SIZE_SHORT_SIDE;
        spec.side = a;
    }
    else if (std::sscanf(s.c_str(), "long%d%c", &a, &tail) == 1 && a >= minSide && a <= maxSide)
    {
        spec.policy = cv::AdaptiveTextDetector::INPUT_SIZE_LONG_SIDE;
        spec.side = a;
    }
    else if (std::sscanf(s.c_str(), "long%d+%d%c", &a, &b, &tail) == 2 && a >= minSide && a <= maxSide &&
             b >= minSide && b <= maxSide)
    {
        spec.policy = cv::AdaptiveTextDetector::INPUT_SIZE_LONG_SIDE;
        spec.side = a;
        spec.smallSide = b;
    }
    else if (std::sscanf(s.c_str(), "%dx%d%c", &a, &b, &tail) == 2 && a > 0 && b > 0 && a <= maxSide && b <= maxSide)
        spec.fixed = cv::Size(a, b);
    else
        CV_Error(cv::Error::StsBadArg, cv::format("--sizes: '%s' is not WxH (sides 1..%d), short<N> or long<N> "
                                                  "(N in %d..%d), long<N>+<M> (two passes) or default, e.g. "
                                                  "1280x736,short736", s.c_str(), maxSide,
                                                  minSide, maxSide));
    return spec;
}

// The same rounding as the detector (doc/detector.md): nearest multiple of the stride, at least one stride.
int roundToStride(double side)
{
    return std::max(1, cvRound(side / kNetworkStride)) * kNetworkStride;
}

cv::Size networkSize(const InputSpec& spec, const cv::Size& image)
{
    if (spec.policy == cv::AdaptiveTextDetector::INPUT_SIZE_FIXED)
        return cv::Size(roundToStride(spec.fixed.width), roundToStride(spec.fixed.height));
    const double ref = spec.policy == cv::AdaptiveTextDetector::INPUT_SIZE_SHORT_SIDE
                       ? std::min(image.width, image.height) : std::max(image.width, image.height);
    const double scale = spec.side / ref;
    return cv::Size(roundToStride(image.width * scale), roundToStride(image.height * scale));
}

// Layer → stage, in the graph's topological order (the order of Net::getLayerNames; OpenCV 4.6 names a layer
// "onnx_node!<ONNX node name>", and adds an Identity layer per graph output, named after the output, which
// costs nothing): the normalisation conv named "preprocess" is preprocessing; every layer before the first
// layer named rpn_* (rpn_conv) is the SE-VGG16 backbone (its own "/backbone/" scope, or, in a model with the stage-4
// skip, "/stages.N/", "/skip4/" and the Add that joins them, since that forward runs the stages itself);
// from rpn_conv on (rpn_cls, rpn_reg, sigmoid, TextProposal) the layers are the Text-RPN proposals; RoIAlign
// is the RoI features; every layer after RoIAlign (Flatten, fc1, fc2, text_cls, box_reg, sigmoid,
// PointPairDecoder) is refinement + decoder.
std::vector<int> stageOfLayers(cv::dnn::Net& net)
{
    std::vector<int> stages;
    bool afterRoIAlign = false, reachedRpn = false;
    const std::string importerPrefix = "onnx_node!";
    for (const cv::String& layerName : net.getLayerNames())
    {
        const std::string name = layerName.compare(0, importerPrefix.size(), importerPrefix) == 0
                                 ? layerName.substr(importerPrefix.size()) : std::string(layerName);
        const cv::String type = net.getLayer(layerName)->type;
        int stage = PROPOSALS;
        if (type == "adaptivetext.RoIAlign")
        {
            stage = ROI_FEATURES;
            afterRoIAlign = true;
        }
        else if (afterRoIAlign)
            stage = REFINE_DECODER;
        else if (name == "preprocess")
            stage = PREPROCESS;
        else
        {
            reachedRpn = reachedRpn || name.find("rpn_") != std::string::npos;
            if (!reachedRpn)
                stage = BACKBONE;
        }
        stages.push_back(stage);
    }
    CV_CheckEQ((int)std::count(stages.begin(), stages.end(), (int)ROI_FEATURES), 1,
               "the model must have exactly one adaptivetext.RoIAlign layer to split the stages (doc/model_format.md)");
    return stages;
}

// Resident memory fields of /proc/self/status, in MiB (-1 where not available, e.g. not Linux).
double procStatusMiB(const std::string& field)
{
    std::ifstream f("/proc/self/status");
    std::string line;
    while (std::getline(f, line))
        if (line.compare(0, field.size() + 1, field + ":") == 0)
            return std::stod(line.substr(field.size() + 1)) / 1024.0;  // the kernel writes kB
    return -1.0;
}

// Writing "5" to clear_refs resets VmHWM to the current RSS (Linux >= 4.0), so that each configuration's
// peak is its own, not that of an earlier, larger input.
bool resetPeakMemory()
{
    std::ofstream f("/proc/self/clear_refs");
    f << "5";
    f.flush();
    return f.good();
}

struct Summary
{
    double median, p10, p90;
};

// Percentile with linear interpolation between the two nearest ranks (numpy's default).
double percentile(std::vector<double> v, double q)
{
    CV_Assert(!v.empty() && "percentile of no samples");
    std::sort(v.begin(), v.end());
    const double pos = q * (v.size() - 1);
    const size_t lo = (size_t)pos;
    const size_t hi = std::min(lo + 1, v.size() - 1);
    return v[lo] + (pos - lo) * (v[hi] - v[lo]);
}

Summary summarize(const std::vector<double>& v)
{
    return Summary{ percentile(v, 0.5), percentile(v, 0.1), percentile(v, 0.9) };
}

std::string jsonSummary(const Summary& s)
{
    return cv::format("{\"median\": %.3f, \"p10\": %.3f, \"p90\": %.3f}", s.median, s.p10, s.p90);
}

std::string jsonString(const std::string& s)
{
    std::string out = "\"";
    for (char c : s)
    {
        if (c == '"' || c == '\\')
            out += '\\';
        out += c;
    }
    return out + "\"";
}

double msSince(int64 start)
{
    return (cv::getTickCount() - start) * 1000.0 / cv::getTickFrequency();
}

struct Result
{
    std::string label;
    cv::Size netSize;
    cv::Size smallNetSize;  // the second pass's input; empty for one pass
    int threads;
    Summary stages[STAGE_COUNT];
    Summary forward, endToEnd;
    double peakMiB, rssBeforeMiB;
    bool peakReset;
    size_t detections;
};

Result measure(const std::string& model, const std::string& verifier, const cv::Mat& image, const InputSpec& spec,
               int threads, int runs, int warmup, bool listLayers)
{
    cv::setNumThreads(threads);
    Result r;
    r.label = spec.label;
    r.threads = cv::getNumThreads();

    // Peak memory of the detector alone: created and warmed up before the profiling net exists.
    r.rssBeforeMiB = procStatusMiB("VmRSS");
    r.peakReset = resetPeakMemory();
    cv::Ptr<cv::AdaptiveTextDetector> detector = cv::AdaptiveTextDetector::create(model);
    if (!verifier.empty())  // end to end only: the staged nets below run the line model alone
        detector->setVerifier(verifier == "off" ? std::string() : verifier);
    const std::string modelPath = cv::AdaptiveTextDetector::findModel(model);  // "" names the shipped model
    if (spec.policy == cv::AdaptiveTextDetector::INPUT_SIZE_FIXED)
        detector->setInputSize(spec.fixed);
    else if (spec.policy >= 0)
        detector->setInputSizePolicy(spec.policy, spec.side);
    if (spec.smallSide >= 0)  // an explicit size is one pass unless it names a second
        detector->setSmallTextPass(spec.smallSide, detector->getSmallTextSplitHeight());
    // What the detector will run, for the staged copy below.
    const InputSpec first{ spec.label, detector->getInputSizePolicy(), detector->getInputSize(),
                           detector->getSideLength(), 0 };
    r.netSize = networkSize(first, image.size());
    const bool twoPasses = detector->getSmallTextSideLength() > 0 &&
                           first.policy != cv::AdaptiveTextDetector::INPUT_SIZE_FIXED;
    if (twoPasses)
        r.smallNetSize = networkSize(InputSpec{ "", first.policy, cv::Size(), detector->getSmallTextSideLength(), 0 },
                                     image.size());
    const float splitFramePx = detector->getSmallTextSplitHeight() /
                               (float)std::sqrt((double)r.netSize.area() / image.size().area());
    std::vector<std::vector<cv::Point> > polygons;
    std::vector<float> scores;
    for (int i = 0; i < warmup; ++i)
        detector->detect(image, polygons, scores);
    r.peakMiB = procStatusMiB("VmHWM");

    // A fresh Net per input size, as the detector keeps one (doc/detector.md); two for two passes.
    const std::vector<cv::Size> passSizes = twoPasses ? std::vector<cv::Size>{ r.netSize, r.smallNetSize }
                                                      : std::vector<cv::Size>{ r.netSize };
    std::vector<cv::dnn::Net> nets;
    for (size_t p = 0; p < passSizes.size(); ++p)
        nets.push_back(cv::adaptivetext::readModel(modelPath, fastConvolutions()));
    cv::dnn::Net& net = nets[0];
    const std::vector<int> layerStage = stageOfLayers(net);
    std::vector<std::vector<double> > layerMs(layerStage.size());
    const std::vector<cv::String>& outNames = cv::adaptivetext::detail::detectorOutputNames();
    const float scoreThreshold = detector->getScoreThreshold(), nmsThreshold = detector->getNMSThreshold();
    // The detector decodes the proposals at its score threshold, not the model's (adaptive_text_detector.cpp).
    for (cv::dnn::Net& n : nets)
        for (const cv::String& name : n.getLayerNames())
            if (auto* decoder = dynamic_cast<cv::adaptivetext::PointPairDecoderLayer*>(n.getLayer(name).get()))
                decoder->setScoreThreshold(scoreThreshold);
    std::vector<cv::Mat> outs;
    for (int i = 0; i < warmup; ++i)
    {
        for (size_t p = 0; p < passSizes.size(); ++p)
        {
            nets[p].setInput(cv::adaptivetext::detail::makeInputBlob(image, passSizes[p]), "image");
            nets[p].forward(outs, outNames);
        }
    }

    std::vector<std::vector<double> > stageMs(STAGE_COUNT);
    std::vector<double> forwardMs, endToEndMs;
    std::vector<std::vector<cv::Point> > stagePolygons;
    for (int i = 0; i < runs; ++i)
    {
        // Each stage summed over the passes; the layer list is the first pass's.
        double perStage[STAGE_COUNT] = {};
        double forward = 0;
        cv::adaptivetext::detail::TextPolygons passPolys[2];
        // Two passes read the frame as the detector does: shrunk once when it is larger than both inputs.
        int64 t = cv::getTickCount();
        const cv::Mat source = twoPasses ? cv::adaptivetext::detail::sharedPassSource(image, passSizes[0], passSizes[1])
                                         : image;
        perStage[PREPROCESS] += msSince(t);
        for (size_t p = 0; p < passSizes.size(); ++p)
        {
            t = cv::getTickCount();
            cv::Mat blob = cv::adaptivetext::detail::makeInputBlob(source, passSizes[p]);
            const double resizeBlob = msSince(t);

            t = cv::getTickCount();
            nets[p].setInput(blob, "image");
            nets[p].forward(outs, outNames);
            const double passForward = msSince(t);
            forward += passForward;

            std::vector<double> layerTicks;
            nets[p].getPerfProfile(layerTicks);
            CV_CheckEQ(layerTicks.size(), layerStage.size(), "getPerfProfile must time every layer of getLayerNames");
            double layersSum = 0;
            for (size_t l = 0; l < layerTicks.size(); ++l)
            {
                const double ms = layerTicks[l] * 1000.0 / cv::getTickFrequency();
                if (p == 0)
                    layerMs[l].push_back(ms);
                perStage[layerStage[l]] += ms;
                layersSum += ms;
            }
            perStage[PREPROCESS] += resizeBlob;
            perStage[FORWARD_OTHER] += passForward - layersSum;

            // What the detector does after its forward, in the same order (adaptive_text_detector.cpp).
            t = cv::getTickCount();
            std::vector<cv::Mat> owned;
            for (const cv::Mat& m : outs)
                owned.push_back(m.clone());
            passPolys[p] = cv::adaptivetext::detail::decodePolygons(owned, scoreThreshold, passSizes[p], image.size());
            perStage[POSTPROCESS] += msSince(t);
        }
        t = cv::getTickCount();
        const cv::adaptivetext::detail::TextPolygons found = cv::adaptivetext::detail::suppressOverlaps(
            twoPasses ? cv::adaptivetext::detail::mergeScales(passPolys[0], passPolys[1], splitFramePx) : passPolys[0],
            nmsThreshold);
        stagePolygons = cv::adaptivetext::detail::toIntegerPolygons(found.polygons);
        perStage[POSTPROCESS] += msSince(t);

        for (int s = 0; s < STAGE_COUNT; ++s)
            stageMs[s].push_back(perStage[s]);
        forwardMs.push_back(forward);
    }
    detector->detect(image, polygons, scores);  // one untimed call: its nets were idle through the loop above
    for (int i = 0; i < runs; ++i)
    {
        const int64 t = cv::getTickCount();
        detector->detect(image, polygons, scores);
        endToEndMs.push_back(msSince(t));
    }
    if (detector->getVerifier().empty())  // the stages leave a verifier out (the shipped line model starts with one)
        CV_CheckEQ(stagePolygons.size(), polygons.size(),
                   "the staged pipeline must find what the detector finds (same model, image and size)");
    for (int s = 0; s < STAGE_COUNT; ++s)
        r.stages[s] = summarize(stageMs[s]);
    r.forward = summarize(forwardMs);
    r.endToEnd = summarize(endToEndMs);
    r.detections = polygons.size();
    if (listLayers)
    {
        const std::vector<cv::String> names = net.getLayerNames();
        std::printf("layers at %s (%dx%d), %d threads: median ms, type, stage\n", spec.label.c_str(),
                    r.netSize.width, r.netSize.height, r.threads);
        for (size_t l = 0; l < names.size(); ++l)
            std::printf("%10.3f  %-60s %-30s %s\n", summarize(layerMs[l]).median, names[l].c_str(),
                        net.getLayer(names[l])->type.c_str(), kStages[layerStage[l]]);
    }
    return r;
}

void printTable(const std::vector<Result>& results)
{
    std::printf("%-12s %-9s %3s", "input", "net WxH", "thr");
    for (const char* s : kStages)
        std::printf(" %14s", s);
    std::printf(" %14s %16s %9s %5s\n", "forward", "end_to_end", "peak MiB", "dets");
    for (const Result& r : results)
    {
        std::printf("%-12s %4dx%-4d %3d", r.label.c_str(), r.netSize.width, r.netSize.height, r.threads);
        if (!r.smallNetSize.empty())
            std::printf("\n%-12s +%4dx%-4d   ", "", r.smallNetSize.width, r.smallNetSize.height);
        for (const Summary& s : r.stages)
            std::printf(" %14.2f", s.median);
        std::printf(" %14.2f %7.2f [%6.2f] %9.1f %5zu\n", r.forward.median, r.endToEnd.median, r.endToEnd.p90,
                    r.peakMiB, r.detections);
    }
    std::printf("(milliseconds, medians; end_to_end also [p90]; peak = VmHWM of the detector after warm-up;\n"
                " two passes: the second pass's input under the first, each stage summed over both)\n");
    std::printf("3x3 convolutions: %s\n", fastConvolutions()
                                               ? "the module's direct kernel (FastConv3x3Layer)"
                                               : "OpenCV's (ADAPTIVETEXT_FAST_CONV=0, or a CPU without AVX-512F / AVX2)");
}

std::string toJson(const std::vector<Result>& results, const std::string& model, const std::string& imagePath,
                   const cv::Mat& image, int runs, int warmup)
{
    std::string j = "{\"tool\": \"adaptive_text_benchmark\", \"opencv\": " + jsonString(CV_VERSION) +
                    ", \"fast_conv3x3\": " + (fastConvolutions() ? "true" : "false") +
                    ", \"model\": " + jsonString(model) + ", \"image\": " + jsonString(imagePath) +
                    cv::format(", \"image_size\": [%d, %d], \"runs\": %d, \"warmup\": %d, \"unit\": \"ms\", \"results\": [",
                               image.cols, image.rows, runs, warmup);
    for (size_t i = 0; i < results.size(); ++i)
    {
        const Result& r = results[i];
        j += cv::format("%s{\"input\": \"%s\", \"net_size\": [%d, %d], ", i ? ", " : "", r.label.c_str(),
                        r.netSize.width, r.netSize.height);
        if (!r.smallNetSize.empty())
            j += cv::format("\"small_text_net_size\": [%d, %d], ", r.smallNetSize.width, r.smallNetSize.height);
        j += cv::format("\"threads\": %d, \"stages\": {", r.threads);
        for (int s = 0; s < STAGE_COUNT; ++s)
            j += cv::format("%s\"%s\": ", s ? ", " : "", kStages[s]) + jsonSummary(r.stages[s]);
        j += "}, \"forward\": " + jsonSummary(r.forward) + ", \"end_to_end\": " + jsonSummary(r.endToEnd) +
             cv::format(", \"peak_rss_mib\": %.1f, \"rss_before_mib\": %.1f, \"peak_reset\": %s, \"detections\": %zu}",
                        r.peakMiB, r.rssBeforeMiB, r.peakReset ? "true" : "false", r.detections);
    }
    return j + "]}";
}

}  // namespace

int main(int argc, char** argv)
{
    const cv::String keys =
        "{help h      |                 | print this help}"
        "{model m     |                 | adaptivetext ONNX model (empty: the shipped default model)}"
        "{image i     |                 | image to detect on}"
        "{sizes       | short736,1280x736 | network inputs: WxH (fixed), short<N> or long<N> (aspect kept; one pass), long<N>+<M> (two passes), default (the detector's own)}"
        "{threads     | 1,2             | cv::setNumThreads values}"
        "{runs        | 20              | timed iterations per configuration (at least 10)}"
        "{warmup      | 3               | untimed iterations first (at least 1)}"
        "{json        |                 | also write the JSON line to this file}"
        "{verifier    |                 | candidate verifier for the end-to-end time (setVerifier: a path, \"verifier\", or \"off\"; empty: the detector's default, on for the shipped line model; the stages leave it out)}"
        "{list_layers |                 | print each layer: median time, type and stage}";
    const adaptivetext_app::JoinedArgs args(argc, argv, {"-m", "--model", "-i", "--image", "--json"});
    cv::CommandLineParser parser(args.argc(), args.argv(), keys);
    parser.about("Per-stage and end-to-end CPU latency and peak memory of cv::AdaptiveTextDetector (doc/benchmarks.md).");
    if (parser.has("help"))
    {
        parser.printMessage();
        return 0;
    }
    if (!parser.has("image"))
        return adaptivetext_app::usageError(parser, "--image is required");
    const std::string model = parser.get<std::string>("model");
    const std::string imagePath = parser.get<std::string>("image");
    const int runs = parser.get<int>("runs");
    const int warmup = parser.get<int>("warmup");
    if (!adaptivetext_app::parsedCleanly(parser))
        return adaptivetext_app::usageError(parser, "an option has a value that is not a number");
    // Every option is checked before the first measurement (a bad one is exit code 2, not a late failure).
    adaptivetext_app::OptionErrors options;
    options.intIn("runs", runs, 10, 1000000, "a median needs at least 10 timed iterations");
    options.intIn("warmup", warmup, 1, 1000000, "at least one untimed iteration: allocations, lazy initialisation");
    std::vector<InputSpec> specs;
    std::vector<int> threadCounts;
    try
    {
        for (const std::string& size : splitList(parser.get<std::string>("sizes")))
            specs.push_back(parseInputSpec(size));
    }
    catch (const cv::Exception& e)
    {
        options.add(e.err);
    }
    for (const std::string& t : splitList(parser.get<std::string>("threads")))
    {
        char* end = nullptr;
        const long n = std::strtol(t.c_str(), &end, 10);
        if (end == t.c_str() || *end != '\0' || n < 1 || n > 1024)
            options.add("--threads: '" + t + "' is not a thread count in [1, 1024]");
        else
            threadCounts.push_back((int)n);
    }
    if (options.ok() && (specs.empty() || threadCounts.empty()))
        options.add("--sizes and --threads need at least one value each");
    if (!options.ok())
        return adaptivetext_app::usageError(parser, options.first);
    const std::string jsonPath = parser.has("json") ? parser.get<std::string>("json") : std::string();
    if (!jsonPath.empty())
    {
        // Before minutes of measuring: the file must be writable (opened for appending, so nothing is lost).
        const bool existed = cv::utils::fs::exists(jsonPath);
        std::ofstream probe(jsonPath, std::ios::app);
        if (!probe)
        {
            std::cerr << "adaptive_text_benchmark: cannot write the JSON file '" << jsonPath << "'"
                      << adaptivetext_app::lastError() << std::endl;
            return 1;
        }
        probe.close();
        if (!existed)
            std::remove(jsonPath.c_str());
    }
    try
    {
        const cv::Mat image = cv::imread(imagePath, cv::IMREAD_COLOR);
        if (image.empty())
            CV_Error(cv::Error::StsError, "cannot read the image " + imagePath);

        std::vector<Result> results;
        const bool listLayers = parser.has("list_layers");
        for (const InputSpec& spec : specs)
            for (int threads : threadCounts)
                results.push_back(measure(model, parser.get<std::string>("verifier"), image, spec, threads, runs, warmup,
                                          listLayers));
        printTable(results);
        const std::string json = toJson(results, model, imagePath, image, runs, warmup);
        std::cout << json << std::endl;
        std::string error;
        if (!jsonPath.empty() && !adaptivetext_app::writeFileChecked(jsonPath, json + "\n", error))
            CV_Error(cv::Error::StsError, error);
    }
    catch (const cv::Exception& e)
    {
        std::cerr << "adaptive_text_benchmark: " << e.what() << std::endl;
        return 1;
    }
    return adaptivetext_app::stdoutWritten() ? 0 : 1;
}
