// This file is part of OpenCV project.
// It is subject to the license terms in the LICENSE file found in the top-level directory
// of this distribution and at http://opencv.org/license.html.

// AdaptiveTextDetectorImpl: size policy → blob → the one-graph model → polygons (doc/detector.md).
#include "precomp.hpp"
#include "candidate_verifier.hpp"
#include "model_dirs.hpp"
#include "parameter_checks.hpp"
#include "postprocess.hpp"
#include "preprocess.hpp"

#include "opencv2/adaptivetext/detector.hpp"

#include <opencv2/core/utils/filesystem.hpp>
#include <opencv2/core/utils/logger.hpp>

#include <cstdlib>
#include <fstream>
#include <iterator>
#include <list>
#include <mutex>

namespace cv {

namespace {

const char* const kDefaultModelName = "adaptivetext_default.onnx";  // the line model
const char* const kWordModelName = "adaptivetext_words.onnx";
const char* const kVerifierName = "adaptivetext_verifier.onnx";  // the line model's candidate verifier
// Names create() accepts instead of a path, for the shipped models (doc/detector.md, "Default model").
const char* const kLinesAlias = "lines";
const char* const kWordsAlias = "words";
const char* const kVerifierAlias = "verifier";
// The line model's two passes (doc/accuracy.md, "Two scales"): long side 512 for long lines, 672 for lines
// thinner than 32 px at 512; chosen on the three validation splits within the peer's latency. One pass at 640,
// the default until session 15, lost small lines; one at 704 lost long ones. Larger second passes (736-864, splits
// 16-40, a second-pass score threshold) all validated lower in session 22 (doc/training.md): on TD500 they add
// clutter and line fragments, which also suppress whole lines of the first pass.
const int kDefaultSideLength = 512;
const int kDefaultSmallTextSide = 672;
const float kDefaultSmallTextSplit = 32.f;
// The word model's best long side on its validation split, ICDAR2015 img_801-900 (doc/model_card.md): its
// words are small in 1280x720 frames, and 640 halves them.
const int kWordModelSideLength = 1120;
// Nets kept per network input size. OpenCV 4.6 has been seen to compute wrong results when one Net is
// reused across input shapes (doc/detector.md), so a Net only ever runs one shape; a few are kept so that
// a video or a fixed-size policy never reloads, and a folder of mixed sizes reloads only on new sizes.
// Four, so that two passes over frames of two sizes (MSRA-TD500's) never reload.
const size_t kMaxCachedNets = 4;
// The shipped verifier's candidate score (detector.hpp, setVerifier's default): the shipped line model's scores
// are calibrated so that 0.7 means its raw 0.5; 0.2045 is its raw 0.099, the floor of 0.1 chosen in session 26.
const float kDefaultVerifierCandidateScore = 0.2045f;

// The public bounds (detector.hpp) are the ones preprocessing enforces.
static_assert((int)AdaptiveTextDetector::MAX_INPUT_SIDE == (int)adaptivetext::detail::MAX_INPUT_SIDE,
              "detector.hpp and preprocess.hpp disagree on the largest network input side");
static_assert((int)AdaptiveTextDetector::MIN_SIDE_LENGTH == (int)adaptivetext::detail::NETWORK_STRIDE,
              "the shortest side length is the network stride");

// ADAPTIVETEXT_FAST_CONV=0 keeps OpenCV's own convolutions on the CPU (for comparisons; doc/detector.md).
bool fastConvolutionsAllowed()
{
    const char* env = std::getenv("ADAPTIVETEXT_FAST_CONV");
    return !(env && std::string(env) == "0");
}

using adaptivetext::detail::findShippedModel;  // model_dirs.hpp: the folders searched (doc/detector.md)

// "" and "lines" name the shipped line model, "words" the shipped word model; anything else is a path.
String resolveModel(const String& model)
{
    if (model.empty() || model == kLinesAlias)
        return findShippedModel(kDefaultModelName);
    if (model == kWordsAlias)
        return findShippedModel(kWordModelName);
    return model;
}

String fileNameOf(const String& path)
{
    const size_t slash = path.find_last_of("/\\");
    return path.substr(slash == String::npos ? 0 : slash + 1);
}

// The shipped word model, named "words" or given by a path to its file (the ONNX graph carries no settings that
// OpenCV 4.6 exposes, so the file name is what tells it from the line model).
bool isWordModel(const String& model)
{
    return model == kWordsAlias || fileNameOf(model) == kWordModelName;
}

// The shipped line model, by name or by a path to its file: the one model the shipped verifier was trained for.
bool isShippedLineModel(const String& model)
{
    return model.empty() || model == kLinesAlias || fileNameOf(model) == kDefaultModelName;
}

// The shipped verifier for the line model at modelPath: beside it first (a copied pair stays a pair), then where
// the shipped models are searched; "" with a warning when it is nowhere, since the model still works without it.
String shippedVerifierFor(const String& modelPath)
{
    const size_t slash = modelPath.find_last_of("/\\");
    const String beside = slash == String::npos ? String(kVerifierName)
                                                : utils::fs::join(modelPath.substr(0, slash), kVerifierName);
    if (utils::fs::exists(beside))
        return beside;
    const String shipped = adaptivetext::detail::searchShippedModel(kVerifierName);
    if (!shipped.empty())
        return shipped;
    CV_LOG_WARNING(NULL, "AdaptiveTextDetector: the shipped verifier " << kVerifierName << " was not found beside "
                   << modelPath << " nor in the shipped models' folders; the line model runs without it, and finds "
                   "fewer lines (doc/detector.md, \"Verifier\")");
    return String();
}

// The keep-aspect long side a detector starts with: the one its shipped model was validated at.
int defaultSideLength(const String& model)
{
    return isWordModel(model) ? kWordModelSideLength : kDefaultSideLength;
}

// The word model runs one pass: its long side 1120 was chosen for one pass, and a second would double its cost.
int defaultSmallTextSide(const String& model)
{
    return isWordModel(model) ? 0 : kDefaultSmallTextSide;
}

std::vector<uchar> readFileBytes(const String& path)
{
    std::ifstream f(path, std::ios::binary);
    CV_Assert(f.is_open() && "AdaptiveTextDetector: cannot reopen the model file");
    return std::vector<uchar>(std::istreambuf_iterator<char>(f), std::istreambuf_iterator<char>());
}

// The decoder layers of a net, through the public abstract class of layers.hpp.
std::vector<adaptivetext::PointPairDecoderLayer*> decoderLayers(dnn::Net& net)
{
    std::vector<adaptivetext::PointPairDecoderLayer*> found;
    for (const String& name : net.getLayerNames())
    {
        Ptr<dnn::Layer> layer = net.getLayer(name);
        if (auto* decoder = dynamic_cast<adaptivetext::PointPairDecoderLayer*>(layer.get()))
            found.push_back(decoder);
    }
    return found;
}

class AdaptiveTextDetectorImpl CV_FINAL : public AdaptiveTextDetector
{
public:
    AdaptiveTextDetectorImpl(const String& model, const Size& inputSize, float scoreThreshold, float nmsThreshold,
                             int backendId, int targetId)
        : policy_(INPUT_SIZE_LONG_SIDE), defaultSide_(defaultSideLength(model)), sideLength_(defaultSide_),
          smallTextSide_(defaultSmallTextSide(model)), smallTextSplit_(kDefaultSmallTextSplit),
          scoreThreshold_(scoreThreshold),
          nmsThreshold_(nmsThreshold), backendId_(backendId), targetId_(targetId),
          fastConvolutionsAllowed_(fastConvolutionsAllowed())
    {
        // The settings are checked before the model is loaded, so that a bad one fails fast, by its name.
        setInputSize(inputSize);
        setScoreThreshold(scoreThreshold);
        setNMSThreshold(nmsThreshold);
        setPreferableBackend(backendId);
        setPreferableTarget(targetId);
        const String path = resolveModel(model);
        // readModel registers the layers and turns loading failures into messages that say what is wrong.
        const bool fast = fastConvolutions();
        dnn::Net net = adaptivetext::readModel(path, fast);
        CV_Assert(!net.empty());
        CV_CheckGT(decoderLayers(net).size(), (size_t)0,
                   "AdaptiveTextDetector: the model has no adaptivetext.PointPairDecoder node; it is not an "
                   "adaptivetext detector model (doc/model_format.md)");
        modelBytes_ = readFileBytes(path);
        applyBackendAndTarget(net);
        nets_.push_back(Entry{ Size(), net, fast });  // Size(): not yet run, takes the first size
        if (isShippedLineModel(model))
        {
            const String verifier = shippedVerifierFor(path);
            if (!verifier.empty())
                setVerifier(verifier, kDefaultVerifierCandidateScore);
        }
    }

    void detect(InputArray frame, std::vector<std::vector<Point> >& detections,
                std::vector<float>& confidences) const CV_OVERRIDE
    {
        CV_TRACE_FUNCTION();
        adaptivetext::detail::TextPolygons found = run(frame);
        detections = adaptivetext::detail::toIntegerPolygons(found.polygons);
        confidences = found.scores;
    }

    void detect(InputArray frame, std::vector<std::vector<Point> >& detections) const CV_OVERRIDE
    {
        std::vector<float> confidences;
        detect(frame, detections, confidences);
    }

    void detectTextRectangles(InputArray frame, std::vector<RotatedRect>& detections,
                              std::vector<float>& confidences) const CV_OVERRIDE
    {
        CV_TRACE_FUNCTION();
        adaptivetext::detail::TextPolygons found = run(frame);
        detections.clear();
        for (const std::vector<Point2f>& poly : found.polygons)
            detections.push_back(minAreaRect(poly));
        confidences = found.scores;
    }

    void detectTextRectangles(InputArray frame, std::vector<RotatedRect>& detections) const CV_OVERRIDE
    {
        std::vector<float> confidences;
        detectTextRectangles(frame, detections, confidences);
    }

    void setInputSize(const Size& size) CV_OVERRIDE
    {
        if (size == Size())
        {
            std::lock_guard<std::mutex> lock(mutex_);
            policy_ = INPUT_SIZE_LONG_SIDE;
            sideLength_ = defaultSide_;
            fixedSize_ = Size();
            return;
        }
        // Bounded like the keep-aspect policies, so that no setting asks for a multi-gigabyte blob.
        const char* func = "AdaptiveTextDetector::setInputSize";
        const char* whyW = "the width must be positive (or Size() for the default) and not longer than the largest "
                           "network input";
        const char* whyH = "the height must be positive (or Size() for the default) and not longer than the "
                           "largest network input";
        adaptivetext::detail::checkIntRange(func, "inputSize.width", size.width, 1, MAX_INPUT_SIDE, whyW);
        adaptivetext::detail::checkIntRange(func, "inputSize.height", size.height, 1, MAX_INPUT_SIDE, whyH);
        std::lock_guard<std::mutex> lock(mutex_);
        policy_ = INPUT_SIZE_FIXED;
        fixedSize_ = Size(adaptivetext::detail::roundToStride(size.width),
                          adaptivetext::detail::roundToStride(size.height));
    }

    Size getInputSize() const CV_OVERRIDE { return lockedGet(fixedSize_); }

    void setInputSizePolicy(int policy, int sideLength) CV_OVERRIDE
    {
        const char* func = "AdaptiveTextDetector::setInputSizePolicy";
        adaptivetext::detail::checkEnum(func, "policy", policy, INPUT_SIZE_SHORT_SIDE, INPUT_SIZE_LONG_SIDE,
                                        "INPUT_SIZE_SHORT_SIDE or INPUT_SIZE_LONG_SIDE; use setInputSize for a "
                                        "fixed size");
        adaptivetext::detail::checkIntRange(func, "sideLength", sideLength, MIN_SIDE_LENGTH, MAX_INPUT_SIDE,
                                            "a side length below the network stride or above the largest network "
                                            "input side is refused");
        std::lock_guard<std::mutex> lock(mutex_);
        policy_ = policy;
        sideLength_ = adaptivetext::detail::roundToStride(sideLength);
        fixedSize_ = Size();
    }

    int getInputSizePolicy() const CV_OVERRIDE { return lockedGet(policy_); }
    int getSideLength() const CV_OVERRIDE { return lockedGet(sideLength_); }

    void setSmallTextPass(int sideLength, float splitHeight) CV_OVERRIDE
    {
        const char* func = "AdaptiveTextDetector::setSmallTextPass";
        if (sideLength != 0)
            adaptivetext::detail::checkIntRange(func, "sideLength", sideLength, MIN_SIDE_LENGTH, MAX_INPUT_SIDE,
                                                "0 turns the second pass off; otherwise a side below the network "
                                                "stride or above the largest network input side is refused");
        adaptivetext::detail::checkPositive(func, "splitHeight", splitHeight, (float)MAX_INPUT_SIDE);
        std::lock_guard<std::mutex> lock(mutex_);
        smallTextSide_ = sideLength == 0 ? 0 : adaptivetext::detail::roundToStride(sideLength);
        smallTextSplit_ = splitHeight;
    }
    int getSmallTextSideLength() const CV_OVERRIDE { return lockedGet(smallTextSide_); }
    float getSmallTextSplitHeight() const CV_OVERRIDE { return lockedGet(smallTextSplit_); }

    void setScoreThreshold(float threshold) CV_OVERRIDE
    {
        adaptivetext::detail::checkUnitInterval("AdaptiveTextDetector::setScoreThreshold", "scoreThreshold",
                                                threshold);
        lockedSet(scoreThreshold_, threshold);
    }
    float getScoreThreshold() const CV_OVERRIDE { return lockedGet(scoreThreshold_); }

    void setNMSThreshold(float threshold) CV_OVERRIDE
    {
        adaptivetext::detail::checkUnitInterval("AdaptiveTextDetector::setNMSThreshold", "nmsThreshold", threshold);
        lockedSet(nmsThreshold_, threshold);
    }
    float getNMSThreshold() const CV_OVERRIDE { return lockedGet(nmsThreshold_); }

    void setVerifier(const String& model, float candidateScore) CV_OVERRIDE
    {
        adaptivetext::detail::checkUnitInterval("AdaptiveTextDetector::setVerifier", "candidateScore",
                                                candidateScore);
        Ptr<adaptivetext::detail::CandidateVerifier> verifier;
        if (!model.empty())
        {
            // Loaded (and probed) before the lock: a bad file leaves the detector as it was.
            verifier = makePtr<adaptivetext::detail::CandidateVerifier>(
                model == kVerifierAlias ? findShippedModel(kVerifierName) : model);
        }
        std::lock_guard<std::mutex> lock(mutex_);
        if (verifier)
        {
            verifier->setPreferableBackend(backendId_);
            verifier->setPreferableTarget(targetId_);
        }
        verifier_ = verifier;
        verifierCandidateScore_ = candidateScore;
    }
    String getVerifier() const CV_OVERRIDE
    {
        std::lock_guard<std::mutex> lock(mutex_);
        return verifier_ ? verifier_->path() : String();
    }
    float getVerifierCandidateScore() const CV_OVERRIDE { return lockedGet(verifierCandidateScore_); }

    void setPreferableBackend(int backendId) CV_OVERRIDE
    {
        // The public values of cv::dnn::Backend in 4.6 (the NGRAPH/NN_BUILDER ones are internal).
        adaptivetext::detail::checkEnum("AdaptiveTextDetector::setPreferableBackend", "backendId", backendId,
                                        dnn::DNN_BACKEND_DEFAULT, dnn::DNN_BACKEND_TIMVX,
                                        "a cv::dnn::Backend, DNN_BACKEND_DEFAULT..DNN_BACKEND_TIMVX");
        std::lock_guard<std::mutex> lock(mutex_);
        backendId_ = backendId;
        applyBackendAndTargetToNets();
        if (verifier_)
            verifier_->setPreferableBackend(backendId);
    }

    void setPreferableTarget(int targetId) CV_OVERRIDE
    {
        adaptivetext::detail::checkEnum("AdaptiveTextDetector::setPreferableTarget", "targetId", targetId,
                                        dnn::DNN_TARGET_CPU, dnn::DNN_TARGET_NPU,
                                        "a cv::dnn::Target, DNN_TARGET_CPU..DNN_TARGET_NPU");
        std::lock_guard<std::mutex> lock(mutex_);
        targetId_ = targetId;
        applyBackendAndTargetToNets();
        if (verifier_)
            verifier_->setPreferableTarget(targetId);
    }

private:
    struct Entry
    {
        Size inputSize;
        dnn::Net net;
        bool fastConvolutions;  // imported with FastConv3x3Layer standing in for OpenCV's 3x3 convolutions
    };

    // Every setting is read and written under mutex_, since detect() may run on other threads.
    template <typename T>
    T lockedGet(const T& field) const
    {
        std::lock_guard<std::mutex> lock(mutex_);
        return field;
    }

    template <typename T>
    void lockedSet(T& field, const T& value)
    {
        std::lock_guard<std::mutex> lock(mutex_);
        field = value;
    }

    // Called with mutex_ held (or from the constructor).
    void applyBackendAndTarget(dnn::Net& net) const
    {
        net.setPreferableBackend(backendId_);
        net.setPreferableTarget(targetId_);
    }

    // Whether new Nets get the module's 3x3 convolutions: only where OpenCV's CPU code would run them (on CUDA
    // they would fall back to the CPU; cuDNN is faster). Called with mutex_ held (or from the constructor).
    bool fastConvolutions() const
    {
        return fastConvolutionsAllowed_ &&
               (backendId_ == dnn::DNN_BACKEND_DEFAULT || backendId_ == dnn::DNN_BACKEND_OPENCV) &&
               targetId_ == dnn::DNN_TARGET_CPU;
    }

    // After a backend or target change (mutex_ held): Nets imported for the other case are dropped, and
    // netFor() re-imports them from modelBytes_ when their input size comes again.
    void applyBackendAndTargetToNets()
    {
        const bool fast = fastConvolutions();
        nets_.remove_if([fast](const Entry& e) { return e.fastConvolutions != fast; });
        for (Entry& e : nets_)
            applyBackendAndTarget(e.net);
    }

    // Preprocess and postprocess run outside the lock; only the parameters snapshot and the forward pass
    // (cv::dnn::Net is not thread-safe) are serialised.
    adaptivetext::detail::TextPolygons run(InputArray frameArr) const
    {
        const Mat frame = frameArr.getMat();
        adaptivetext::detail::checkFrame(frame);
        int policy, sideLength, smallTextSide;
        Size fixedSize;
        float scoreThreshold, nmsThreshold, smallTextSplit, passScore;
        Ptr<adaptivetext::detail::CandidateVerifier> verifier;
        {
            std::lock_guard<std::mutex> lock(mutex_);
            policy = policy_;
            sideLength = sideLength_;
            fixedSize = fixedSize_;
            scoreThreshold = scoreThreshold_;
            nmsThreshold = nmsThreshold_;
            smallTextSide = smallTextSide_;
            smallTextSplit = smallTextSplit_;
            verifier = verifier_;
            // With a verifier the passes keep more candidates: it may lift some over the threshold.
            passScore = verifier ? std::min(verifierCandidateScore_, scoreThreshold) : scoreThreshold;
        }
        const Size netSize = adaptivetext::detail::computeInputSize(frame.size(), policy, fixedSize, sideLength);
        if (smallTextSide <= 0 || policy == INPUT_SIZE_FIXED)
            return adaptivetext::detail::suppressOverlaps(
                verify(verifier, frame, runPass(frame, netSize, frame.size(), passScore), scoreThreshold),
                nmsThreshold);
        const Size smallNetSize = adaptivetext::detail::computeInputSize(frame.size(), policy, Size(), smallTextSide);
        // Resizing a 1920x1280 frame to 672x448 costs ~7 ms (INTER_AREA): shrunk once for both passes.
        const Mat source = adaptivetext::detail::sharedPassSource(frame, netSize, smallNetSize);
        // The split is given in first-pass input pixels; the polygons are in frame pixels.
        const double firstScale = std::sqrt((double)netSize.width * netSize.height /
                                            ((double)frame.cols * frame.rows));
        adaptivetext::detail::TextPolygons polys = adaptivetext::detail::mergeScales(
            runPass(source, netSize, frame.size(), passScore),
            runPass(source, smallNetSize, frame.size(), passScore), (float)(smallTextSplit / firstScale));
        return adaptivetext::detail::suppressOverlaps(verify(verifier, frame, polys, scoreThreshold), nmsThreshold);
    }

    // Near-duplicates dropped, then the verifier's scores replace the candidates', then the threshold (no verifier:
    // the candidates as they are, already above it). The crops come from the frame itself, at its full resolution,
    // as in training.
    adaptivetext::detail::TextPolygons verify(const Ptr<adaptivetext::detail::CandidateVerifier>& verifier,
                                              const Mat& frame, const adaptivetext::detail::TextPolygons& all,
                                              float scoreThreshold) const
    {
        if (!verifier || all.polygons.empty())
            return all;
        const adaptivetext::detail::TextPolygons candidates =
            adaptivetext::detail::distinctCandidates(all, adaptivetext::detail::VERIFIER_DEDUP_IOU);
        std::vector<float> scores;
        {
            std::lock_guard<std::mutex> lock(mutex_);
            scores = verifier->rescore(frame, candidates);
        }
        adaptivetext::detail::TextPolygons kept;
        for (size_t i = 0; i < scores.size(); ++i)
        {
            if (scores[i] >= scoreThreshold)
            {
                kept.polygons.push_back(candidates.polygons[i]);
                kept.scores.push_back(scores[i]);
            }
        }
        return kept;
    }

    // One forward pass of `source` (the frame, or a resized copy) at netSize → the polygons above the threshold
    // in the pixels of a frame of frameSize, before the NMS.
    adaptivetext::detail::TextPolygons runPass(const Mat& source, const Size& netSize, const Size& frameSize,
                                               float scoreThreshold) const
    {
        const Mat blob = adaptivetext::detail::makeInputBlob(source, netSize);
        std::vector<Mat> outs;
        {
            std::lock_guard<std::mutex> lock(mutex_);
            dnn::Net& net = netFor(netSize);
            for (adaptivetext::PointPairDecoderLayer* decoder : decoderLayers(net))
                decoder->setScoreThreshold(scoreThreshold);
            net.setInput(blob, "image");
            std::vector<Mat> netOuts;
            net.forward(netOuts, adaptivetext::detail::detectorOutputNames());
            // The outputs alias the net's buffers, which the next forward overwrites.
            for (const Mat& m : netOuts)
                outs.push_back(m.clone());
        }
        return adaptivetext::detail::decodePolygons(outs, scoreThreshold, netSize, frameSize);
    }

    // The Net that runs netSize (called with mutex_ held): most recently used first, at most kMaxCachedNets.
    dnn::Net& netFor(const Size& netSize) const
    {
        for (auto it = nets_.begin(); it != nets_.end(); ++it)
        {
            if (it->inputSize == netSize || it->inputSize == Size())
            {
                it->inputSize = netSize;
                nets_.splice(nets_.begin(), nets_, it);
                return nets_.front().net;
            }
        }
        const bool fast = fastConvolutions();
        dnn::Net net = adaptivetext::readModelFromBuffer(modelBytes_, fast);
        applyBackendAndTarget(net);
        nets_.push_front(Entry{ netSize, net, fast });
        if (nets_.size() > kMaxCachedNets)
            nets_.pop_back();
        return nets_.front().net;
    }

    std::vector<uchar> modelBytes_;
    int policy_;
    Size fixedSize_;
    int defaultSide_;  // the long side of the default policy: 512, or the word model's (isWordModel)
    int sideLength_;
    int smallTextSide_;     // the second pass's side; 0: one pass
    float smallTextSplit_;  // first-pass input pixels
    float scoreThreshold_;
    float nmsThreshold_;
    int backendId_;
    int targetId_;
    const bool fastConvolutionsAllowed_;  // ADAPTIVETEXT_FAST_CONV, read once at creation
    // The shipped line model starts with the shipped verifier (doc/runs/s27_rule.md); any other model with none.
    Ptr<adaptivetext::detail::CandidateVerifier> verifier_;
    float verifierCandidateScore_ = kDefaultVerifierCandidateScore;
    mutable std::mutex mutex_;
    mutable std::list<Entry> nets_;
};

}  // namespace

AdaptiveTextDetector::~AdaptiveTextDetector() {}

String AdaptiveTextDetector::findModel(const String& model)
{
    return resolveModel(model);
}

Ptr<AdaptiveTextDetector> AdaptiveTextDetector::create(const String& model, const Size& inputSize,
                                                       float scoreThreshold, float nmsThreshold, int backendId,
                                                       int targetId)
{
    CV_TRACE_FUNCTION();
    return makePtr<AdaptiveTextDetectorImpl>(model, inputSize, scoreThreshold, nmsThreshold, backendId, targetId);
}

}  // namespace cv
