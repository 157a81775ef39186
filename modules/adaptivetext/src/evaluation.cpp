// This file is part of OpenCV project.
// It is subject to the license terms in the LICENSE file found in the top-level directory
// of this distribution and at http://opencv.org/license.html.

// Official-protocol text detection evaluation (icdar15, deteval, ctw1500); doc/evaluation.md explains the
// rules and where each one comes from.
#include "precomp.hpp"

#include "opencv2/adaptivetext/evaluation.hpp"

#include <cctype>
#include <map>
#include <numeric>

namespace cv {
namespace adaptivetext {

namespace {

// ICDAR 2015 / CTW1500 match threshold, and the share of a detection's area inside a don't-care region
// above which it is ignored (both protocols and DetEval use 0.5).
const double kIoUThreshold = 0.5;
const double kDontCareAreaShare = 0.5;
// DetEval (Wolf & Jolion 2006) with the thresholds Total-Text recommends for polygons.
const double kDetEvalTr = 0.7;      // area recall: intersection / area(gt)
const double kDetEvalTp = 0.6;      // area precision: intersection / area(det)
const double kDetEvalPenalty = 0.8; // credit of a split or merged match
const int kDetEvalMinParts = 2;     // a split / merge involves at least two overlapping partners

/** Care ground truth and kept detections of one image, after don't-care filtering. */
struct ImageProblem
{
    std::vector<std::vector<Point2f> > gt;
    std::vector<std::vector<Point2f> > det;
    std::vector<float> scores;
    std::vector<String> gtText, detText;  // "e2e": transcriptions and read texts
};

/** What the end-to-end comparison sees of a text: ASCII letters (lower case) and digits, and every non-ASCII
 *  byte (UTF-8 letters such as Chinese are kept whole); spaces and punctuation are dropped. */
String comparable(const String& text)
{
    String out;
    for (char ch : text)
    {
        const unsigned char c = (unsigned char)ch;
        if (c >= 0x80 || std::isdigit(c))
            out += ch;
        else if (std::isalpha(c))
            out += (char)std::tolower(c);
    }
    return out;
}

ImageProblem filterDontCare(const ImageAnnotations& gt, const ImageDetections& pred, ImageEvaluation& counts)
{
    ImageProblem problem;
    std::vector<const std::vector<Point2f>*> dontCare;
    for (const TextAnnotation& inst : gt.instances)
    {
        if (inst.dontCare)
            dontCare.push_back(&inst.polygon);
        else
        {
            problem.gt.push_back(inst.polygon);
            problem.gtText.push_back(inst.transcription);
        }
    }
    for (size_t d = 0; d < pred.polygons.size(); ++d)
    {
        const double area = polygonArea(pred.polygons[d]);
        bool drop = false;
        for (size_t k = 0; k < dontCare.size() && !drop && area > 0; ++k)
            drop = polygonIntersectionArea(pred.polygons[d], *dontCare[k]) / area > kDontCareAreaShare;
        if (drop)
            continue;
        problem.det.push_back(pred.polygons[d]);
        problem.scores.push_back(pred.scores[d]);
        problem.detText.push_back(d < pred.texts.size() ? pred.texts[d] : String());
    }
    counts.gtCare = static_cast<int>(problem.gt.size());
    counts.gtDontCare = static_cast<int>(dontCare.size());
    counts.det = static_cast<int>(problem.det.size());
    counts.detDontCare = static_cast<int>(pred.polygons.size() - problem.det.size());
    return problem;
}

Mat iouTable(const ImageProblem& p)
{
    Mat iou((int)p.gt.size(), (int)p.det.size(), CV_64F, Scalar(0));
    for (int g = 0; g < iou.rows; ++g)
        for (int d = 0; d < iou.cols; ++d)
            iou.at<double>(g, d) = polygonIoU(p.gt[g], p.det[d]);
    return iou;
}

/** ICDAR 2015 Challenge 4: each care gt, in file order, takes the first free detection with IoU > 0.5. With
 *  `readText` (end to end, the ICDAR 2015 Robust Reading end-to-end task) a pair counts only when its texts agree
 *  (comparable()); a pair whose texts differ still uses up both: neither is matched again. */
void matchInGtOrder(const ImageProblem& p, ImageEvaluation& counts, bool readText)
{
    const Mat iou = iouTable(p);
    std::vector<bool> detUsed(p.det.size(), false);
    for (int g = 0; g < iou.rows; ++g)
    {
        for (int d = 0; d < iou.cols; ++d)
        {
            if (!detUsed[d] && iou.at<double>(g, d) > kIoUThreshold)
            {
                detUsed[d] = true;
                if (!readText || comparable(p.gtText[g]) == comparable(p.detText[d]))
                    counts.matchedGt += 1;
                break;
            }
        }
    }
    counts.matchedDet = counts.matchedGt;
}

void matchIcdar15(const ImageProblem& p, ImageEvaluation& counts)
{
    matchInGtOrder(p, counts, false);
}

/** End to end: pairs as matchIcdar15, counted when the texts agree. */
void matchEndToEnd(const ImageProblem& p, ImageEvaluation& counts)
{
    matchInGtOrder(p, counts, true);
}

/** CTW1500 (VOC style): detections by descending score each go to their best-IoU gt; a hit on a gt that
 *  is already taken is a false positive, even if another gt would have matched. */
void matchCtw1500(const ImageProblem& p, ImageEvaluation& counts)
{
    const Mat iou = iouTable(p);
    std::vector<int> order(p.det.size());
    std::iota(order.begin(), order.end(), 0);
    std::stable_sort(order.begin(), order.end(), [&](int a, int b) { return p.scores[a] > p.scores[b]; });
    std::vector<bool> gtUsed(p.gt.size(), false);
    for (int d : order)
    {
        int best = -1;
        double bestIoU = 0;
        for (int g = 0; g < iou.rows; ++g)
        {
            if (iou.at<double>(g, d) > bestIoU)
            {
                bestIoU = iou.at<double>(g, d);
                best = g;
            }
        }
        if (best >= 0 && bestIoU > kIoUThreshold && !gtUsed[best])
        {
            gtUsed[best] = true;
            counts.matchedGt += 1;
        }
    }
    counts.matchedDet = counts.matchedGt;
}

/** Total-Text's script rounds sigma and tau to 2 decimals (np.round) before comparing with thresholds. */
double round2(double v)
{
    return std::nearbyint(v * 100.0) / 100.0;
}

/** DetEval as in Total-Text's Deteval.py: one-to-one, then one-to-many (split), then many-to-one (merge). */
void matchDetEval(const ImageProblem& p, ImageEvaluation& counts)
{
    const int numGt = (int)p.gt.size(), numDet = (int)p.det.size();
    Mat sigma(numGt, numDet, CV_64F, Scalar(0)), tau(numGt, numDet, CV_64F, Scalar(0));
    for (int g = 0; g < numGt; ++g)
    {
        const double gtArea = polygonArea(p.gt[g]);
        for (int d = 0; d < numDet; ++d)
        {
            const double detArea = polygonArea(p.det[d]);
            const double inter = polygonIntersectionArea(p.gt[g], p.det[d]);
            sigma.at<double>(g, d) = gtArea > 0 ? round2(inter / gtArea) : 0.0;
            tau.at<double>(g, d) = detArea > 0 ? round2(inter / detArea) : 0.0;
        }
    }
    std::vector<bool> gtDone(numGt, false), detDone(numDet, false);

    // One-to-one: exactly one detection covers the gt well (sigma > tr) and exactly one lies mostly
    // inside it (tau > tp). The script only counts both sets; we also require them to be the same
    // detection, which is what Wolf & Jolion define (the two differ only in contrived layouts).
    for (int g = 0; g < numGt; ++g)
    {
        int sigmaHits = 0, tauHits = 0, sigmaDet = -1, tauDet = -1;
        for (int d = 0; d < numDet; ++d)
        {
            if (sigma.at<double>(g, d) > kDetEvalTr) { ++sigmaHits; sigmaDet = d; }
            if (tau.at<double>(g, d) > kDetEvalTp) { ++tauHits; tauDet = d; }
        }
        if (sigmaHits == 1 && tauHits == 1 && sigmaDet == tauDet)
        {
            gtDone[g] = true;
            detDone[sigmaDet] = true;
            counts.matchedGt += 1;
            counts.matchedDet += 1;
        }
    }

    // One-to-many: a gt overlapped by >= 2 detections, split among free detections that each lie
    // mostly inside it (tau >= tp) and together cover it (sum sigma >= tr).
    for (int g = 0; g < numGt; ++g)
    {
        if (gtDone[g])
            continue;
        int overlapping = 0;
        std::vector<int> parts;
        double coverage = 0;
        for (int d = 0; d < numDet; ++d)
        {
            if (sigma.at<double>(g, d) > 0)
                ++overlapping;
            if (tau.at<double>(g, d) >= kDetEvalTp && !detDone[d])
            {
                parts.push_back(d);
                coverage += sigma.at<double>(g, d);
            }
        }
        if (overlapping < kDetEvalMinParts || parts.empty())
            continue;
        if (parts.size() == 1)
        {
            // Only one usable part: it is a plain one-to-one match if it also covers the gt.
            if (sigma.at<double>(g, parts[0]) >= kDetEvalTr)
            {
                gtDone[g] = true;
                detDone[parts[0]] = true;
                counts.matchedGt += 1;
                counts.matchedDet += 1;
            }
        }
        else if (coverage >= kDetEvalTr)
        {
            gtDone[g] = true;
            for (int d : parts)
                detDone[d] = true;
            counts.matchedGt += kDetEvalPenalty;
            counts.matchedDet += kDetEvalPenalty * parts.size();
        }
    }

    // Many-to-one: a detection overlapping >= 2 gts merges the free gts it covers. Total-Text's script
    // selects those gts with sigma >= tp (0.6), not tr as in Wolf & Jolion; we follow the script.
    for (int d = 0; d < numDet; ++d)
    {
        if (detDone[d])
            continue;
        int overlapping = 0;
        std::vector<int> parts;
        double precisionShare = 0;
        for (int g = 0; g < numGt; ++g)
        {
            if (tau.at<double>(g, d) > 0)
                ++overlapping;
            if (sigma.at<double>(g, d) >= kDetEvalTp && !gtDone[g])
            {
                parts.push_back(g);
                precisionShare += tau.at<double>(g, d);
            }
        }
        if (overlapping < kDetEvalMinParts || parts.empty())
            continue;
        if (parts.size() == 1)
        {
            if (tau.at<double>(parts[0], d) >= kDetEvalTp && sigma.at<double>(parts[0], d) >= kDetEvalTr)
            {
                gtDone[parts[0]] = true;
                detDone[d] = true;
                counts.matchedGt += 1;
                counts.matchedDet += 1;
            }
        }
        else if (precisionShare >= kDetEvalTp)
        {
            detDone[d] = true;
            for (int g : parts)
                gtDone[g] = true;
            counts.matchedGt += kDetEvalPenalty * parts.size();
            counts.matchedDet += kDetEvalPenalty;
        }
    }
}

}  // namespace

EvaluationResult evaluateDetections(const std::vector<ImageAnnotations>& gt,
                                    const std::vector<ImageDetections>& pred, const String& protocol)
{
    CV_TRACE_FUNCTION();
    void (*match)(const ImageProblem&, ImageEvaluation&) = nullptr;
    if (protocol == "icdar15")
        match = matchIcdar15;
    else if (protocol == "deteval")
        match = matchDetEval;
    else if (protocol == "ctw1500")
        match = matchCtw1500;
    else if (protocol == "e2e")
        match = matchEndToEnd;
    else
        CV_Error(Error::StsBadArg, "Unknown evaluation protocol '" + protocol +
                                   "': expected icdar15, deteval, ctw1500 or e2e");

    std::map<String, size_t> gtIndex;
    for (size_t i = 0; i < gt.size(); ++i)
    {
        if (!gtIndex.emplace(gt[i].name, i).second)
            CV_Error(Error::StsBadArg, "Ground truth of image '" + gt[i].name + "' is given twice");
    }
    std::vector<const ImageDetections*> predOf(gt.size(), nullptr);
    for (const ImageDetections& p : pred)
    {
        const auto it = gtIndex.find(p.name);
        if (it == gtIndex.end())
            CV_Error(Error::StsBadArg, "Predictions for image '" + p.name + "' have no ground truth");
        if (predOf[it->second])
            CV_Error(Error::StsBadArg, "Predictions for image '" + p.name + "' are given twice");
        CV_CheckEQ(p.scores.size(), p.polygons.size(), "each detected polygon needs one score");
        if (!p.texts.empty())
            CV_CheckEQ(p.texts.size(), p.polygons.size(), "texts, when given, are one per detected polygon");
        predOf[it->second] = &p;
    }

    EvaluationResult result;
    result.protocol = protocol;
    const ImageDetections none;
    for (size_t i = 0; i < gt.size(); ++i)
    {
        ImageEvaluation counts;
        counts.name = gt[i].name;
        counts.hasPrediction = predOf[i] != nullptr;
        const ImageProblem problem = filterDontCare(gt[i], predOf[i] ? *predOf[i] : none, counts);
        match(problem, counts);
        result.matchedGt += counts.matchedGt;
        result.matchedDet += counts.matchedDet;
        result.gtCare += counts.gtCare;
        result.gtDontCare += counts.gtDontCare;
        result.det += counts.det;
        result.detDontCare += counts.detDontCare;
        result.images.push_back(counts);
    }
    // Whole-set ratios (sums over images), 0 when a denominator is 0 as in the official scripts.
    result.precision = result.det > 0 ? result.matchedDet / result.det : 0.0;
    result.recall = result.gtCare > 0 ? result.matchedGt / result.gtCare : 0.0;
    const double sum = result.precision + result.recall;
    result.hmean = sum > 0 ? 2.0 * result.precision * result.recall / sum : 0.0;
    return result;
}

}  // namespace adaptivetext
}  // namespace cv
