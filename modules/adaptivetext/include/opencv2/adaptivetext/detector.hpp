// This file is part of OpenCV project.
// It is subject to the license terms in the LICENSE file found in the top-level directory
// of this distribution and at http://opencv.org/license.html.

#ifndef OPENCV_ADAPTIVETEXT_DETECTOR_HPP
#define OPENCV_ADAPTIVETEXT_DETECTOR_HPP

#include <opencv2/core.hpp>
#include <opencv2/dnn.hpp>

namespace cv {

//! @addtogroup adaptivetext
//! @{

/** @brief Arbitrary-shape scene text detector returning N-point polygons.

Shaped like cv::FaceDetectorYN (create + virtual setters) with the method signatures of
cv::dnn::TextDetectionModel. Polygons are in original-image pixels, every vertex clipped to
[0, cols-1] x [0, rows-1]; vertex order: the top boundary along the reading direction, then the bottom
boundary back (clockwise on screen for left-to-right text; see doc/model_format.md §2). A polygon from n
point pairs has 2n vertices (n >= 2). Polygons overlapping a higher-scored one by polygon IoU above the NMS
threshold are dropped; results come in descending score order.

Thread safety: detect() and detectTextRectangles() may be called concurrently on one instance from
several threads. The forward pass is serialised by an internal mutex (cv::dnn::Net is not thread-safe);
resizing and post-processing run in parallel. For parallel forward passes, create one detector per thread.
Setters may be called at any time; they apply to detect() calls that start afterwards.

Networks: one cv::dnn::Net is kept per network input size (at most 4, most recently used), because
OpenCV 4.6 has been seen to compute wrong results when one Net is reused across input shapes; a new size
costs one model load from memory (see doc/detector.md).
 */
class CV_EXPORTS_W AdaptiveTextDetector
{
public:
    /** How the frame is resized to the network input (always to multiples of the network stride). */
    enum InputSizePolicy
    {
        INPUT_SIZE_FIXED = 0,       //!< resize to exactly getInputSize() (no aspect kept)
        INPUT_SIZE_SHORT_SIDE = 1,  //!< keep aspect; short side = getSideLength()
        INPUT_SIZE_LONG_SIDE = 2    //!< keep aspect; long side = getSideLength() (the models' default)
    };

    /** Bounds of the size settings. Every setter (and create) refuses a value outside its documented range
    with a cv::Exception naming the parameter: Error::StsOutOfRange for a number (NaN included),
    Error::StsBadArg for a value that is not one of an enum's; Python gets cv2.error. */
    enum InputSizeLimits
    {
        MIN_SIDE_LENGTH = 16,  //!< shortest side length of the keep-aspect policies (the network stride)
        MAX_INPUT_SIDE = 4096  //!< longest network input side under any policy (bounds the memory of a call)
    };

    virtual ~AdaptiveTextDetector();

    /** @brief Creates a detector from an adaptivetext ONNX model (registers the custom layers first).

    The model file carries the settings it is run with (its ONNX metadata "adaptivetext.settings", written by
    training/atrr/export.py; doc/model_format.md, "Settings"): the keep-aspect input size and the second,
    small-text pass, the score and NMS thresholds, and the verifier it is paired with (found by file name beside
    the model, then where the shipped models are searched, and used only when its SHA-256 matches). So a model
    runs the same under any file name. A model without settings runs with generic ones: one pass at long side
    512, score 0.7, NMS 0.1, no verifier (doc/detector.md, "Model settings"). Settings that are present but
    malformed or out of range raise Error::StsParseError naming the field. The arguments below and the setters
    override the model's settings.
    @param model path to the .onnx file, or the name of a shipped model: "" or "lines" = the default, text-line
           model adaptivetext_default.onnx (MSRA-TD500-style lines, Chinese and English; long side 512 plus a
           small-text pass at 672, with its verifier); "words" = the word model adaptivetext_words.onnx
           (ICDAR2015-style words, curved ones as polygons; long side 512 plus a pass at 1120); shipped models are searched in
           $ADAPTIVETEXT_MODEL_DIR, then the install prefix holding the library (share/adaptivetext/models),
           then the source tree's data/models/, then the configured install folder
    @param inputSize fixed network input size (rounded to multiples of 16; one pass); Size() (default) = the
           model's keep-aspect policy and passes; otherwise as setInputSize
    @param scoreThreshold minimum text score of a kept polygon, in [0, 1]; -1 (default) = the model's (0.7 for
           the line model, 0.85 for the word model: chosen on their validation splits, doc/models.md)
    @param nmsThreshold polygon-IoU threshold of the non-maximum suppression, in [0, 1]; -1 (default) = the
           model's (0.1 for both shipped models: it drops the overlapping pieces they return for one line or
           word; chosen on the validation splits, doc/models.md)
    @param backendId a cv::dnn::Backend, DNN_BACKEND_DEFAULT..DNN_BACKEND_TIMVX (DNN_BACKEND_CUDA is
           accepted; custom layers run on the CPU there)
    @param targetId a cv::dnn::Target, DNN_TARGET_CPU..DNN_TARGET_NPU
    The settings are checked before the model is loaded (see InputSizeLimits for the errors).
    */
    CV_WRAP static Ptr<AdaptiveTextDetector> create(const String& model, const Size& inputSize = Size(),
                                                    float scoreThreshold = -1.f, float nmsThreshold = -1.f,
                                                    int backendId = 0, int targetId = 0);

    /** @brief The model file create() loads for `model`: "" and "lines" give the shipped line model's path,
    "words" the word model's (searched as create() documents; Error::StsObjectNotFound naming the folders when
    it is absent); any other string is returned unchanged. For tools that read the same file themselves, such
    as adaptivetext::readModel().
    */
    CV_WRAP static String findModel(const String& model);

    /** @brief Detects text polygons.
    @param frame 8-bit image with 1, 3 (BGR) or 4 (BGRA) channels, any size
    @param detections N-point polygons in frame pixels
    @param confidences text score of each polygon
    */
    CV_WRAP virtual void detect(InputArray frame, CV_OUT std::vector<std::vector<Point> >& detections,
                                CV_OUT std::vector<float>& confidences) const = 0;
    /** @overload */
    CV_WRAP virtual void detect(InputArray frame, CV_OUT std::vector<std::vector<Point> >& detections) const = 0;

    /** @brief Minimum-area rotated rectangles of the detected polygons. */
    CV_WRAP virtual void detectTextRectangles(InputArray frame, CV_OUT std::vector<RotatedRect>& detections,
                                              CV_OUT std::vector<float>& confidences) const = 0;
    /** @overload */
    CV_WRAP virtual void detectTextRectangles(InputArray frame, CV_OUT std::vector<RotatedRect>& detections) const = 0;

    /** @brief Detects text polygons and unwarps each one into a straight strip for a recogniser.

    detect() followed by cv::adaptivetext::rectifyText() on every polygon (opencv2/adaptivetext/rectify.hpp).
    A polygon that cannot be rectified (zero area after clipping) gets an empty strip, so strips always
    pairs up with detections.
    @param frame as in detect()
    @param detections N-point polygons in frame pixels
    @param confidences text score of each polygon
    @param strips one strip per polygon, the frame's type; vertical text comes as an upright column
    @param height strip height in pixels; 0 = each polygon's mean pair length
    */
    CV_WRAP virtual void detectAndRectify(InputArray frame, CV_OUT std::vector<std::vector<Point> >& detections,
                                          CV_OUT std::vector<float>& confidences, OutputArrayOfArrays strips,
                                          int height = 0) const;

    /** @brief Fixed network input size (policy INPUT_SIZE_FIXED); Size() switches back to the default policy. */
    /** Otherwise both sides must be in [1, MAX_INPUT_SIDE] (else StsOutOfRange); they are rounded to multiples of 16. */
    CV_WRAP virtual void setInputSize(const Size& size) = 0;
    CV_WRAP virtual Size getInputSize() const = 0;
    /** @brief Keep-aspect policy: policy is INPUT_SIZE_SHORT_SIDE or INPUT_SIZE_LONG_SIDE (else StsBadArg),
    sideLength in [MIN_SIDE_LENGTH, MAX_INPUT_SIDE] pixels (else StsOutOfRange), rounded to multiples of 16. */
    CV_WRAP virtual void setInputSizePolicy(int policy, int sideLength) = 0;
    CV_WRAP virtual int getInputSizePolicy() const = 0;
    CV_WRAP virtual int getSideLength() const = 0;

    /** @brief Two-scale detection: a second network pass at a larger input, for small text.

    With sideLength > 0 and a keep-aspect policy, detect() runs the network twice: at getSideLength() and at
    sideLength (same policy). A polygon whose minimum-area rectangle is thinner than splitHeight pixels, measured
    in the first pass's network input, is taken from the second pass; every other one from the first. Then one
    polygon NMS over both. One small model sees small text best at a large input and long lines best at a small
    one (doc/detector.md, "Two passes for small text"). The default is the model's settings: the shipped line model's is
    sideLength 672, splitHeight 32 with the first pass at long side 512, the shipped word model's sideLength 1120,
    splitHeight 32 after long side 512; a model without settings and INPUT_SIZE_FIXED run one pass.
    @param sideLength long (or short) side of the second pass, in [MIN_SIDE_LENGTH, MAX_INPUT_SIDE] pixels,
           rounded to multiples of 16; 0 turns the second pass off (else StsOutOfRange)
    @param splitHeight in (0, MAX_INPUT_SIDE] pixels of the first pass's input, not NaN (else StsOutOfRange)
    */
    CV_WRAP virtual void setSmallTextPass(int sideLength, float splitHeight) = 0;
    /** @brief The second pass's side length (0: one pass). */
    CV_WRAP virtual int getSmallTextSideLength() const = 0;
    /** @brief The thickness, in first-pass input pixels, under which polygons come from the second pass. */
    CV_WRAP virtual float getSmallTextSplitHeight() const = 0;

    /** @brief Minimum text score of a kept polygon, in [0, 1], not NaN (else StsOutOfRange). */
    CV_WRAP virtual void setScoreThreshold(float threshold) = 0;
    CV_WRAP virtual float getScoreThreshold() const = 0;
    /** @brief Polygon-IoU threshold of the NMS, in [0, 1], not NaN (else StsOutOfRange); 1 keeps every polygon. */
    CV_WRAP virtual void setNMSThreshold(float threshold) = 0;
    CV_WRAP virtual float getNMSThreshold() const = 0;

    /** @brief A second opinion on each candidate: a small network that reads the candidate's rectified crop and
    rescores it before the threshold and the NMS (doc/detector.md, "Verifier").

    With a verifier, each pass keeps its candidates scored at least candidateScore (instead of the score
    threshold); a candidate overlapping a higher-scored one at IoU >= 0.8 is dropped; the verifier gives the rest
    a new score, in the same score space, so that setScoreThreshold keeps its meaning; then the threshold and the
    NMS. A verifier is trained on one line model's candidates: a model whose settings name its verifier starts
    with it (the shipped line model with adaptivetext_verifier.onnx, under any file name; see create()); every
    other model starts without one (doc/detector.md, "Verifier"). The verifier's own settings give its curvature
    gate: a candidate filling less than "min_fill" of its minimum-area rectangle keeps its own score.
    @param model path to a verifier .onnx, "verifier" for the shipped one, or "" to turn the verifier off;
           a file that is not a verifier fails here (StsParseError, StsBadArg), not in detect()
    @param candidateScore the lowest score, in [0, 1], of a candidate the verifier sees (else StsOutOfRange);
           lower finds more lines and costs more; the default is the shipped pair's: the shipped line model's
           scores are calibrated so that 0.7 means its raw 0.5, and 0.2045 means its raw 0.099 (doc/models.md)
    */
    CV_WRAP virtual void setVerifier(const String& model, float candidateScore = 0.2045f) = 0;
    /** @brief The verifier's path; "" when it is off. */
    CV_WRAP virtual String getVerifier() const = 0;
    /** @brief The lowest score of a candidate the verifier sees. */
    CV_WRAP virtual float getVerifierCandidateScore() const = 0;

    /** @brief A cv::dnn::Backend, DNN_BACKEND_DEFAULT..DNN_BACKEND_TIMVX (else StsBadArg). */
    CV_WRAP virtual void setPreferableBackend(int backendId) = 0;
    /** @brief A cv::dnn::Target, DNN_TARGET_CPU..DNN_TARGET_NPU (else StsBadArg). */
    CV_WRAP virtual void setPreferableTarget(int targetId) = 0;
};

//! @}

}  // namespace cv

#endif  // OPENCV_ADAPTIVETEXT_DETECTOR_HPP
