// This file is part of OpenCV project.
// It is subject to the license terms in the LICENSE file found in the top-level directory
// of this distribution and at http://opencv.org/license.html.

// AdaptiveTextDetectorImpl: size policy → blob → the one-graph model → polygons (doc/detector.md).
#include "precomp.hpp"
#include "candidate_verifier.hpp"
#include "model_dirs.hpp"
#include "model_settings.hpp"
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

// File names of the shipped models, for the names create() and setVerifier() accept instead of a path
// (doc/detector.md, "Default model"). How a model runs comes from the settings it carries, not from its name.
const char* const kDefaultModelName = "adaptivetext_default.onnx";  // the line model
const char* const kWordModelName = "adaptivetext_words.onnx";
const char* const kVerifierName = "adaptivetext_verifier.onnx";  // the line model's candidate verifier
const char* const kLinesAlias = "lines";
const char* const kWordsAlias = "words";
const char* const kVerifierAlias = "verifier";
// create()'s scoreThreshold / nmsThreshold default: take the model's (detector.hpp).
const float kFromModel = -1.f;
// Nets kept per network input size. OpenCV 4.6 has been seen to compute wrong results when one Net is
// reused across input shapes (doc/detector.md), so a Net only ever runs one shape; a few are kept so that
// a video or a fixed-size policy never reloads, and a folder of mixed sizes reloads only on new sizes.
// Four, so that two passes over frames of two sizes (MSRA-TD500's) never reload.
const size_t kMaxCachedNets = 4;
// setVerifier()'s default candidate score (detector.hpp), reported while no verifier is set.
const float kSetVerifierDefaultCandidateScore = 0.2045f;

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
using adaptivetext::detail::defaultModelDirs;

// "" and "lines" name the shipped line model, "words" the shipped word model; anything else is a path.
String resolveModel(const String& model)
{
    if (model.empty() || model == kLinesAlias)
        return findShippedModel(kDefaultModelName);
    if (model == kWordsAlias)
        return findShippedModel(kWordModelName);
    return model;
}

String folderOf(const String& path)
{
    const size_t slash = path.find_last_of("/\\");
    return slash == String::npos ? String() : path.substr(0, slash);
}

// The verifier a model's settings pair it with: the first file of that name, beside the model (a copied pair stays
// a pair) and then where the shipped models are searched, whose SHA-256 is the one the settings give. "" with a
// warning when there is none: the model still works without it, and a verifier of other bytes was trained or
// calibrated for another model (doc/detector.md, "Verifier").
String pairedVerifierFor(const String& modelPath, const adaptivetext::detail::VerifierPairing& pairing)
{
    std::vector<String> candidates;
    const String folder = folderOf(modelPath);
    candidates.push_back(folder.empty() ? pairing.file : utils::fs::join(folder, pairing.file));
    for (const String& dir : defaultModelDirs())
        candidates.push_back(utils::fs::join(dir, pairing.file));
    String mismatched;
    for (const String& path : candidates)
    {
        if (!utils::fs::exists(path) || utils::fs::isDirectory(path))
            continue;
        std::ifstream f(path, std::ios::binary);
        const std::vector<uchar> bytes((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
        const std::string sha = adaptivetext::detail::sha256Hex(bytes.data(), bytes.size());
        if (sha == pairing.sha256)
            return path;
        mismatched += "\n  " + path + " (SHA-256 " + sha + ")";
    }
    if (!mismatched.empty())
    {
        CV_LOG_WARNING(NULL, "AdaptiveTextDetector: the model " << modelPath << " is paired with the verifier "
                       << pairing.file << " of SHA-256 " << pairing.sha256 << ", but the files of that name differ:"
                       << mismatched << "\nThe model runs without a verifier, and finds fewer lines; put the matching "
                       "file beside the model, or call setVerifier() (doc/detector.md, \"Verifier\")");
    }
    else
    {
        CV_LOG_WARNING(NULL, "AdaptiveTextDetector: the verifier " << pairing.file << " that the model " << modelPath
                       << " is paired with was not found beside it nor in the shipped models' folders; the model runs "
                       "without it, and finds fewer lines (doc/detector.md, \"Verifier\")");
    }
    return String();
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
        : policy_(INPUT_SIZE_LONG_SIDE), defaultPolicy_(INPUT_SIZE_LONG_SIDE),
          defaultSide_(adaptivetext::detail::GENERIC_SIDE_LENGTH), sideLength_(defaultSide_), smallTextSide_(0),
          smallTextSplit_(adaptivetext::detail::GENERIC_SMALL_TEXT_SPLIT), scoreThreshold_(scoreThreshold),
          nmsThreshold_(nmsThreshold), backendId_(backendId), targetId_(targetId),
          fastConvolutionsAllowed_(fastConvolutionsAllowed())
    {
        // The settings are checked before the model is loaded, so that a bad one fails fast, by its name.
        setInputSize(inputSize);
        if (scoreThreshold != kFromModel)
            setScoreThreshold(scoreThreshold);
        if (nmsThreshold != kFromModel)
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
        applyModelSettings(adaptivetext::detail::readModelSettings(modelBytes_, path), path, inputSize,
                           scoreThreshold == kFromModel, nmsThreshold == kFromModel);
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
            policy_ = defaultPolicy_;
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
    // The model's own settings (doc/detector.md, "Model settings"): the keep-aspect policy it starts with and
    // returns to on setInputSize(Size()), its passes, and the thresholds and verifier that create() was not given.
    void applyModelSettings(const adaptivetext::detail::ModelSettings& settings, const String& path,
                            const Size& inputSize, bool scoreFromModel, bool nmsFromModel)
    {
        {
            std::lock_guard<std::mutex> lock(mutex_);
            defaultPolicy_ = settings.policy;
            defaultSide_ = adaptivetext::detail::roundToStride(settings.sideLength);
            if (inputSize == Size())
            {
                policy_ = defaultPolicy_;
                sideLength_ = defaultSide_;
            }
            smallTextSide_ = settings.smallTextSide == 0 ? 0
                                                         : adaptivetext::detail::roundToStride(settings.smallTextSide);
            smallTextSplit_ = settings.smallTextSplit;
            if (scoreFromModel)
                scoreThreshold_ = settings.scoreThreshold;
            if (nmsFromModel)
                nmsThreshold_ = settings.nmsThreshold;
        }
        if (settings.hasVerifier)
        {
            const String verifier = pairedVerifierFor(path, settings.verifier);
            if (!verifier.empty())
                setVerifier(verifier, settings.verifier.candidateScore);
        }
    }

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
    int defaultPolicy_;  // the keep-aspect policy and side of the model's settings (setInputSize(Size()))
    int defaultSide_;
    int sideLength_;
    int smallTextSide_;     // the second pass's side; 0: one pass
    float smallTextSplit_;  // first-pass input pixels
    float scoreThreshold_;
    float nmsThreshold_;
    int backendId_;
    int targetId_;
    const bool fastConvolutionsAllowed_;  // ADAPTIVETEXT_FAST_CONV, read once at creation
    // The verifier the model's settings pair it with, or setVerifier()'s (doc/detector.md, "Verifier").
    Ptr<adaptivetext::detail::CandidateVerifier> verifier_;
    float verifierCandidateScore_ = kSetVerifierDefaultCandidateScore;
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
