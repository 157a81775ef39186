// This file is part of OpenCV project.
// It is subject to the license terms in the LICENSE file found in the top-level directory
// of this distribution and at http://opencv.org/license.html.

// The candidate verifier: a second, small network that rescores the line model's candidates from their
// rectified crops (doc/detector.md, "Verifier"; trained by training/atrr/verifier.py).
#ifndef OPENCV_ADAPTIVETEXT_CANDIDATE_VERIFIER_HPP
#define OPENCV_ADAPTIVETEXT_CANDIDATE_VERIFIER_HPP

#include "precomp.hpp"
#include "postprocess.hpp"

namespace cv {
namespace adaptivetext {
namespace detail {

enum VerifierCrop { VERIFIER_CROP_HEIGHT = 32, VERIFIER_CROP_WIDTH = 128 };

/** Near-duplicates never reach the verifier: a candidate overlapping a higher-scored one at polygon IoU >= this is
 *  dropped first. The NMS after the verifier (0.1) keeps at most one of such a pair anyway; asking the verifier about
 *  each halves its work (doc/detector.md, "Verifier"; training/atrr/verifier.py, distinct_candidates). */
const float VERIFIER_DEDUP_IOU = 0.8f;

/** The candidates that overlap no higher-scored kept one at polygon IoU >= minIoU (greedy, highest score first,
 *  ties: earlier first), in their original order. */
TextPolygons distinctCandidates(const TextPolygons& candidates, float minIoU);

/** Polygon area over the area of its minimum-area rectangle: 1 for a straight line, well under 1 for an arc. */
float fillRatio(const std::vector<Point2f>& polygon);

/** The crop the verifier reads: the polygon's minimum-area rectangle, widened by 0.15 of its thickness on every
 *  side, warped (bilinear, replicated border) to 32 x 128 with its long side horizontal. `bgr` is CV_8UC3. */
Mat verifierCrop(const Mat& bgr, const std::vector<Point2f>& polygon);

/** The verifier's two shape inputs: log(long / short side) of the minimum-area rectangle, and
 *  log(100 * short side / the frame's long side); both sides are at least 1 pixel. */
Vec2f verifierShape(const std::vector<Point2f>& polygon, const Size& frameSize);

/** A loaded verifier network (doc/model_format.md, "Verifier"): inputs crops, score_logit, shape; output score. */
class CandidateVerifier
{
public:
    /** Reads the .onnx and its settings (model_settings.hpp: the curvature gate) and runs it once on a dummy
     *  candidate, so that a file that is not a verifier fails here, with a message, rather than in the first
     *  detect(). */
    explicit CandidateVerifier(const String& path);

    /** The candidates' new scores, in the detector's score space (one per polygon; a gated candidate, fillRatio
     *  under minFill(), keeps its own). `frame` is the detector's input frame (8-bit, 1, 3 or 4 channels). Not
     *  thread-safe: the caller serialises it. */
    std::vector<float> rescore(const Mat& frame, const TextPolygons& candidates);

    void setPreferableBackend(int backendId) { net_.setPreferableBackend(backendId); }
    void setPreferableTarget(int targetId) { net_.setPreferableTarget(targetId); }
    const String& path() const { return path_; }
    /** The curvature gate, from the verifier's settings ("min_fill"; 0, no gate, without them): a candidate filling
     *  less than this of its minimum-area rectangle is a curved line whose rectangle crop shows a thin arc in an
     *  empty box, unlike the straight lines the verifier learnt from, so it keeps its own score. */
    float minFill() const { return minFill_; }

private:
    std::vector<float> forward(const Mat& crops, const Mat& scoreLogits, const Mat& shapes);

    String path_;
    float minFill_;
    dnn::Net net_;
};

}  // namespace detail
}  // namespace adaptivetext
}  // namespace cv

#endif
