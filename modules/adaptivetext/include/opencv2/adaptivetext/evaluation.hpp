// This file is part of OpenCV project.
// It is subject to the license terms in the LICENSE file found in the top-level directory
// of this distribution and at http://opencv.org/license.html.

#ifndef OPENCV_ADAPTIVETEXT_EVALUATION_HPP
#define OPENCV_ADAPTIVETEXT_EVALUATION_HPP

#include <opencv2/core.hpp>

namespace cv {
namespace adaptivetext {

//! @addtogroup adaptivetext
//! @{

/** @brief Area of a simple polygon given by its vertices (either orientation, open or closed ring).

Concave polygons are fine. A self-intersecting polygon is first repaired by closing and re-orienting
its ring; if it is still invalid (e.g. a figure-eight), its convex hull is used instead, so the result is
an upper bound there. Fewer than 3 vertices, non-finite coordinates or zero area give 0.
 */
CV_EXPORTS_W double polygonArea(const std::vector<Point2f>& poly);

/** @brief Area of the intersection of two polygons, with the repairs described in polygonArea(). */
CV_EXPORTS_W double polygonIntersectionArea(const std::vector<Point2f>& a, const std::vector<Point2f>& b);

/** @brief Intersection over union of two polygons, in [0, 1]; 0 when either polygon is degenerate. */
CV_EXPORTS_W double polygonIoU(const std::vector<Point2f>& a, const std::vector<Point2f>& b);

/** @brief One ground-truth text instance. */
struct CV_EXPORTS TextAnnotation
{
    std::vector<Point2f> polygon;  //!< vertices in image pixels, in the order of the file
    String transcription;          //!< text after the coordinates; "CARE" when the dataset gives none
    bool dontCare = false;         //!< transcription "###": neither a hit nor a miss
};

/** @brief Ground truth of one image; name is the file stem shared by the image, gt and prediction files. */
struct CV_EXPORTS ImageAnnotations
{
    String name;
    std::vector<TextAnnotation> instances;
};

/** @brief Detections of one image (what the samples app writes into NAME.txt). */
struct CV_EXPORTS ImageDetections
{
    String name;
    std::vector<std::vector<Point2f> > polygons;
    std::vector<float> scores;  //!< one per polygon; 1 where the file gives none
    std::vector<String> texts;  //!< one per polygon ("" where the file gives none), or empty: no texts at all
};

/** @brief Counts of one image. DetEval gives fractional matches (0.8 per split or merged instance), so the
 *  matched counts are real numbers; the other protocols give integers. */
struct CV_EXPORTS ImageEvaluation
{
    String name;
    bool hasPrediction = false;  //!< false: no prediction file, evaluated as no detections
    int gtCare = 0;              //!< ground truth that must be found
    int gtDontCare = 0;          //!< "###" ground truth
    int det = 0;                 //!< detections kept (after dropping those inside don't-care regions)
    int detDontCare = 0;         //!< detections dropped for lying > 50 % inside a don't-care region
    double matchedGt = 0;        //!< recall numerator
    double matchedDet = 0;       //!< precision numerator
};

/** @brief Whole-set result: sums over images, precision = matchedDet / det, recall = matchedGt / gtCare. */
struct CV_EXPORTS EvaluationResult
{
    String protocol;
    double precision = 0, recall = 0, hmean = 0;
    double matchedGt = 0, matchedDet = 0;
    int gtCare = 0, gtDontCare = 0, det = 0, detDontCare = 0;
    std::vector<ImageEvaluation> images;  //!< in ground-truth order
};

/** @brief Scores detections against ground truth with an official protocol (see doc/evaluation.md).
@param gt one entry per image of the set
@param pred detections, matched to gt by name; images without an entry count as having no detections
@param protocol "icdar15" (IoU > 0.5, one-to-one in file order), "deteval" (Total-Text DetEval, tr = 0.7,
tp = 0.6, 0.8 for splits and merges), "ctw1500" (IoU > 0.5, each detection to its best ground truth by
descending score, a second hit on one ground truth is a false positive) or "e2e" (end to end, as the ICDAR
2015 Robust Reading end-to-end task: detections are paired as by "icdar15", and a pair counts only when the
detection's text equals the transcription, compared case-insensitively on letters and digits, other ASCII
characters dropped and non-ASCII ones kept; ImageDetections::texts gives the texts)
@throws cv::Exception for an unknown protocol, a prediction whose name has no ground truth, or polygons
and scores of different counts
 */
CV_EXPORTS EvaluationResult evaluateDetections(const std::vector<ImageAnnotations>& gt,
                                               const std::vector<ImageDetections>& pred,
                                               const String& protocol);

/** @brief Parses ground truth in the uniform dataset format, one instance per line:
`x1,y1,...,xn,yn,TRANSCRIPTION`. Leading numeric fields are coordinates; when their count is odd the last
one starts the transcription (which may hold commas). A UTF-8 BOM, CR line ends and blank lines are
accepted. @param text file contents @param name image name stored in the result */
CV_EXPORTS ImageAnnotations parseGroundTruth(const String& text, const String& name);

/** @brief Parses detections, one per line: `x1,y1,...,xn,yn,score` (an even count of numbers means no
score, taken as 1), or the samples app's `--ocr` line `x1,y1,...,xn,yn,score,text`: integer coordinates, a
score with a decimal point, then the text to the end of the line (ImageDetections::texts). */
CV_EXPORTS ImageDetections parseDetections(const String& text, const String& name);

/** @brief Reads every NAME.txt of a ground-truth folder. dir may be a dataset split (holding gt/ and
images/; images without a gt file are then images without text) or the gt folder itself. */
CV_EXPORTS std::vector<ImageAnnotations> readGroundTruthDir(const String& dir);

/** @brief Reads every NAME.txt of a prediction folder (the samples app's --output). */
CV_EXPORTS std::vector<ImageDetections> readDetectionsDir(const String& dir);

//! @}

}  // namespace adaptivetext
}  // namespace cv

#endif  // OPENCV_ADAPTIVETEXT_EVALUATION_HPP
