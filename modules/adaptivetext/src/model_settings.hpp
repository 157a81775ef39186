// This file is part of OpenCV project.
// It is subject to the license terms in the LICENSE file found in the top-level directory
// of this distribution and at http://opencv.org/license.html.

// The settings a model carries (doc/model_format.md, "Settings"): training/atrr/export.py writes them as JSON
// into the ONNX model's metadata_props under "adaptivetext.settings", and create() runs the model with them,
// so that a model behaves the same under any file name. A model without them gets the generic settings below.
#ifndef OPENCV_ADAPTIVETEXT_MODEL_SETTINGS_HPP
#define OPENCV_ADAPTIVETEXT_MODEL_SETTINGS_HPP

#include "precomp.hpp"

namespace cv {
namespace adaptivetext {
namespace detail {

/** The metadata_props key of the settings JSON (training/atrr/export.py, SETTINGS_KEY). */
extern const char* const MODEL_SETTINGS_KEY;

/** The newest settings format this build reads; a newer one is refused rather than half understood. */
enum { MODEL_SETTINGS_VERSION = 1 };

/** The generic settings of a model without metadata (doc/detector.md, "Model settings"; the same as
 *  GENERIC_SETTINGS in training/atrr/export.py): one pass at long side 512, the crop size the models here are
 *  trained at; score 0.7, what a calibrated model's raw 0.5 maps to (training/atrr/convert.py --score_at);
 *  NMS 0.1, which drops the overlapping pieces the models return for one line or word (doc/models.md); no verifier. */
enum { GENERIC_SIDE_LENGTH = 512 };
const float GENERIC_SMALL_TEXT_SPLIT = 32.f;
const float GENERIC_SCORE_THRESHOLD = 0.7f;
const float GENERIC_NMS_THRESHOLD = 0.1f;

/** The verifier a detector model is paired with: found by file name, beside the model or in the shipped models'
 *  folders, and accepted only when its SHA-256 matches. fusionWeight, threshold and minFill repeat the
 *  verifier's own settings (its graph computes the fusion), for a reader of the model file. */
struct VerifierPairing
{
    String file;
    String sha256;  // 64 lowercase hex digits
    float candidateScore = 0.f;
    float fusionWeight = 0.f;
    float threshold = 0.f;
    float minFill = 0.f;
};

/** A detector model's settings; the generic ones when the model has none (fromMetadata false). */
struct ModelSettings
{
    bool fromMetadata = false;
    String granularity = "lines";  // "lines" or "words"
    int policy = 2;                 // AdaptiveTextDetector::INPUT_SIZE_LONG_SIDE or INPUT_SIZE_SHORT_SIDE
    int sideLength = GENERIC_SIDE_LENGTH;
    int smallTextSide = 0;  // 0: one pass
    float smallTextSplit = GENERIC_SMALL_TEXT_SPLIT;
    float scoreThreshold = GENERIC_SCORE_THRESHOLD;
    float nmsThreshold = GENERIC_NMS_THRESHOLD;
    bool hasVerifier = false;
    VerifierPairing verifier;
};

/** A verifier's own settings (training/atrr/verifier.py, verifier_settings). A verifier without them has no
 *  curvature gate (minFill 0): every candidate gets the verifier's score. */
struct VerifierSettings
{
    bool fromMetadata = false;
    float minFill = 0.f;
};

/** Parses a detector model's settings JSON; throws cv::Exception (StsParseError) naming `source`, the key
 *  "adaptivetext.settings" and the offending field for malformed JSON, a value of the wrong type, out of range,
 *  or a newer format version. Fields left out take the generic values; unknown fields are ignored. */
ModelSettings parseModelSettings(const std::string& json, const std::string& source);

/** The settings in a model file's bytes; the generic ones when it has none. Throws as parseModelSettings. */
ModelSettings readModelSettings(const std::vector<uchar>& modelBytes, const std::string& source);

/** Parses a verifier's settings JSON (throws as parseModelSettings). */
VerifierSettings parseVerifierSettings(const std::string& json, const std::string& source);

/** The settings in a verifier file's bytes; none (no gate) when it has none. */
VerifierSettings readVerifierSettings(const std::vector<uchar>& verifierBytes, const std::string& source);

/** SHA-256 of the bytes, as 64 lowercase hex digits. */
std::string sha256Hex(const uchar* data, size_t size);

}  // namespace detail
}  // namespace adaptivetext
}  // namespace cv

#endif
