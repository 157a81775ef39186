// This file is part of OpenCV project.
// It is subject to the license terms in the LICENSE file found in the top-level directory
// of this distribution and at http://opencv.org/license.html.

#include "precomp.hpp"
#include "postprocess.hpp"

#include "opencv2/adaptivetext/evaluation.hpp"

#include <numeric>

namespace cv {
namespace adaptivetext {
namespace detail {

const std::vector<String>& detectorOutputNames()
{
    static const std::vector<String> names = { "rois", "rpn_scores", "text_scores", "box_deltas", "pairs",
                                               "num_pairs" };
    return names;
}

namespace {

// Number of rows of an output whose first dimension is K (dnn may return [K,1] as 2-d or more dims).
int rowsOf(const Mat& m) { return m.dims >= 1 ? m.size[0] : 0; }

// True when none of the `count` values is NaN or +-inf.
bool allFinite(const float* values, int count)
{
    for (int i = 0; i < count; ++i)
        if (!std::isfinite(values[i]))
            return false;
    return true;
}

void checkOutputShapes(const std::vector<Mat>& outs)
{
    CV_CheckEQ(outs.size(), detectorOutputNames().size(), "AdaptiveTextDetector: wrong number of graph outputs");
    const int K = rowsOf(outs[OUT_ROIS]);
    CV_CheckGT(K, 0, "AdaptiveTextDetector: the model's 'rois' output is empty");
    CV_CheckEQ((int)outs[OUT_ROIS].total(), K * 5, "AdaptiveTextDetector: 'rois' must be Kx5 (doc/model_format.md §2)");
    CV_CheckEQ((int)outs[OUT_TEXT_SCORES].total(), K, "AdaptiveTextDetector: 'text_scores' must be Kx1");
    CV_CheckEQ((int)outs[OUT_NUM_PAIRS].total(), K, "AdaptiveTextDetector: 'num_pairs' must be Kx1");
    const Mat& pairs = outs[OUT_PAIRS];
    CV_CheckEQ(pairs.dims, 3, "AdaptiveTextDetector: 'pairs' must be KxTx4");
    CV_CheckEQ(pairs.size[0], K, "AdaptiveTextDetector: 'pairs' and 'rois' disagree on K");
    CV_CheckEQ(pairs.size[2], 4, "AdaptiveTextDetector: 'pairs' must be KxTx4");
    for (const Mat& m : outs)
        CV_CheckTypeEQ(m.type(), CV_32FC1, "AdaptiveTextDetector: graph outputs must be float32");
}

}  // namespace

TextPolygons decodePolygons(const std::vector<Mat>& outs, float scoreThreshold, const Size& netSize,
                            const Size& frameSize)
{
    CV_TRACE_FUNCTION();
    checkOutputShapes(outs);
    const int K = rowsOf(outs[OUT_ROIS]);
    const int T = outs[OUT_PAIRS].size[1];
    const float* rois = outs[OUT_ROIS].ptr<float>();
    const float* textScores = outs[OUT_TEXT_SCORES].ptr<float>();
    const float* numPairs = outs[OUT_NUM_PAIRS].ptr<float>();
    const float* pairs = outs[OUT_PAIRS].ptr<float>();
    // The blob is the whole frame resized to netSize (no padding), so one scale per axis maps the
    // network's continuous pixel coordinates back to the frame.
    const float sx = (float)frameSize.width / netSize.width;
    const float sy = (float)frameSize.height / netSize.height;
    const float maxX = (float)(frameSize.width - 1), maxY = (float)(frameSize.height - 1);
    auto toFrame = [&](float x, float y) {
        return Point2f(std::min(std::max(x * sx, 0.f), maxX), std::min(std::max(y * sy, 0.f), maxY));
    };

    TextPolygons result;
    for (int k = 0; k < K; ++k)
    {
        // A model whose weights overflow yields inf/NaN outputs (doc/fuzzing.md, finding 2). The clip below
        // lets NaN through (both comparisons are false) and cvRound(NaN) is INT_MIN, so such RoIs are dropped
        // here, before any value is used. NaN scores also fail the >= test.
        if (!allFinite(rois + 5 * k, 5) || !std::isfinite(numPairs[k]) || !std::isfinite(textScores[k]))
            continue;
        // Bounded as float first: cvRound of a value beyond the int range gives INT_MIN.
        const int n = numPairs[k] >= (float)T ? T : (numPairs[k] <= 0.f ? 0 : cvRound(numPairs[k]));
        if (rois[5 * k] < 0 || !(textScores[k] >= scoreThreshold) || n < 2)
            continue;
        const float* p = pairs + (size_t)k * T * 4;
        if (!allFinite(p, 4 * n))
            continue;
        std::vector<Point2f> poly;
        poly.reserve(2 * n);
        for (int t = 0; t < n; ++t)
            poly.push_back(toFrame(p[4 * t], p[4 * t + 1]));
        for (int t = n - 1; t >= 0; --t)
            poly.push_back(toFrame(p[4 * t + 2], p[4 * t + 3]));
        result.polygons.push_back(poly);
        result.scores.push_back(textScores[k]);
    }
    return result;
}

TextPolygons suppressOverlaps(const TextPolygons& in, float nmsThreshold)
{
    CV_TRACE_FUNCTION();
    std::vector<int> order(in.scores.size());
    std::iota(order.begin(), order.end(), 0);
    std::stable_sort(order.begin(), order.end(), [&](int a, int b) { return in.scores[a] > in.scores[b]; });
    TextPolygons kept;
    for (int i : order)
    {
        bool suppressed = false;
        for (const std::vector<Point2f>& k : kept.polygons)
        {
            if (polygonIoU(in.polygons[i], k) > nmsThreshold)
            {
                suppressed = true;
                break;
            }
        }
        if (!suppressed)
        {
            kept.polygons.push_back(in.polygons[i]);
            kept.scores.push_back(in.scores[i]);
        }
    }
    return kept;
}

namespace {

float thickness(const std::vector<Point2f>& polygon)
{
    const Size2f size = minAreaRect(polygon).size;
    return std::min(size.width, size.height);
}

void appendIf(TextPolygons& out, const TextPolygons& in, bool thin, float splitHeight)
{
    for (size_t i = 0; i < in.polygons.size(); ++i)
    {
        if ((thickness(in.polygons[i]) < splitHeight) == thin)
        {
            out.polygons.push_back(in.polygons[i]);
            out.scores.push_back(in.scores[i]);
        }
    }
}

}  // namespace

TextPolygons mergeScales(const TextPolygons& large, const TextPolygons& small, float splitHeight)
{
    CV_TRACE_FUNCTION();
    TextPolygons out;
    appendIf(out, large, false, splitHeight);
    appendIf(out, small, true, splitHeight);
    return out;
}

std::vector<std::vector<Point> > toIntegerPolygons(const std::vector<std::vector<Point2f> >& polygons)
{
    std::vector<std::vector<Point> > out(polygons.size());
    for (size_t i = 0; i < polygons.size(); ++i)
    {
        out[i].reserve(polygons[i].size());
        for (const Point2f& p : polygons[i])
            out[i].push_back(Point(cvRound(p.x), cvRound(p.y)));
    }
    return out;
}

}  // namespace detail
}  // namespace adaptivetext
}  // namespace cv
