// This file is part of OpenCV project.
// It is subject to the license terms in the LICENSE file found in the top-level directory
// of this distribution and at http://opencv.org/license.html.

// The candidate verifier (doc/detector.md, "Verifier"). The crop and the shape inputs must stay as
// training/atrr/verifier.py computes them (rectified_crop, shape_features): the network was trained on those.
#include "precomp.hpp"
#include "candidate_verifier.hpp"
#include "model_settings.hpp"

#include "opencv2/adaptivetext/evaluation.hpp"  // polygonIoU

#include <fstream>
#include <iterator>
#include <numeric>

namespace cv {
namespace adaptivetext {
namespace detail {

namespace {

const float kCropPad = 0.15f;  // of the thickness, on every side: the verifier sees the line's edges

// The detector's score as the logit the verifier takes; clamped so that 0 and 1 stay finite.
float scoreLogit(float score)
{
    const float p = std::min(std::max(score, 1e-6f), 1.f - 1e-6f);
    return std::log(p / (1.f - p));
}

// The minimum-area rectangle turned so that its width is the long side (angle in degrees).
RotatedRect lyingRect(const std::vector<Point2f>& polygon)
{
    RotatedRect r = minAreaRect(polygon);
    if (r.size.width < r.size.height)
    {
        std::swap(r.size.width, r.size.height);
        r.angle += 90.f;
    }
    return r;
}

}  // namespace

Mat verifierCrop(const Mat& bgr, const std::vector<Point2f>& polygon)
{
    CV_Assert(bgr.type() == CV_8UC3);
    const RotatedRect r = lyingRect(polygon);
    const double w = r.size.width + 2.0 * kCropPad * r.size.height, h = r.size.height * (1.0 + 2.0 * kCropPad);
    const double t = r.angle * CV_PI / 180.0;
    const Point2f u((float)(std::cos(t) * w / 2), (float)(std::sin(t) * w / 2));
    const Point2f v((float)(-std::sin(t) * h / 2), (float)(std::cos(t) * h / 2));
    const Point2f src[] = { r.center - u - v, r.center + u - v, r.center + u + v };
    const Point2f dst[] = { Point2f(0, 0), Point2f((float)VERIFIER_CROP_WIDTH, 0),
                            Point2f((float)VERIFIER_CROP_WIDTH, (float)VERIFIER_CROP_HEIGHT) };
    Mat crop;
    warpAffine(bgr, crop, getAffineTransform(src, dst), Size(VERIFIER_CROP_WIDTH, VERIFIER_CROP_HEIGHT),
               INTER_LINEAR, BORDER_REPLICATE);
    return crop;
}

Vec2f verifierShape(const std::vector<Point2f>& polygon, const Size& frameSize)
{
    const RotatedRect r = minAreaRect(polygon);
    const float longSide = std::max(std::max(r.size.width, r.size.height), 1.f);
    const float shortSide = std::max(std::min(r.size.width, r.size.height), 1.f);
    const float frameLong = (float)std::max(frameSize.width, frameSize.height);
    return Vec2f(std::log(longSide / shortSide), std::log(shortSide / frameLong * 100.f));
}

CandidateVerifier::CandidateVerifier(const String& path) : path_(path), minFill_(0.f)
{
    std::vector<uchar> bytes;
    {
        std::ifstream f(path, std::ios::binary);
        if (!f.is_open())
            CV_Error(Error::StsParseError, format("AdaptiveTextDetector: cannot read the verifier '%s': the file "
                                                  "cannot be opened", path.c_str()));
        bytes.assign(std::istreambuf_iterator<char>(f), std::istreambuf_iterator<char>());
    }
    try
    {
        net_ = dnn::readNetFromONNX(reinterpret_cast<const char*>(bytes.data()), bytes.size());
    }
    catch (const cv::Exception& e)
    {
        CV_Error(Error::StsParseError, format("AdaptiveTextDetector: cannot read the verifier '%s' as ONNX: %s",
                                              path.c_str(), e.what()));
    }
    std::vector<float> probe;
    try
    {
        const int crop[] = { 1, 3, VERIFIER_CROP_HEIGHT, VERIFIER_CROP_WIDTH };
        const int one[] = { 1, 1, 1, 1 }, two[] = { 1, 2, 1, 1 };
        probe = forward(Mat(4, crop, CV_32F, Scalar(0)), Mat(4, one, CV_32F, Scalar(0)),
                        Mat(4, two, CV_32F, Scalar(0)));
    }
    catch (const cv::Exception& e)
    {
        CV_Error(Error::StsBadArg, format("AdaptiveTextDetector: '%s' is not an adaptivetext verifier (inputs "
                                          "crops 1x3x32x128, score_logit 1x1x1x1, shape 1x2x1x1; output score, "
                                          "doc/model_format.md): %s", path.c_str(), e.what()));
    }
    if (probe.size() != 1)
        CV_Error(Error::StsBadArg, format("AdaptiveTextDetector: '%s' is not an adaptivetext verifier: it gives "
                                          "%d values for one candidate, not 1", path.c_str(), (int)probe.size()));
    // After the probe, so that a detector model given as a verifier is refused as not a verifier, by its inputs.
    minFill_ = readVerifierSettings(bytes, path).minFill;
}

std::vector<float> CandidateVerifier::forward(const Mat& crops, const Mat& scoreLogits, const Mat& shapes)
{
    net_.setInput(crops, "crops");
    net_.setInput(scoreLogits, "score_logit");
    net_.setInput(shapes, "shape");
    const Mat out = net_.forward("score");
    CV_Assert(out.type() == CV_32F && out.isContinuous());
    return std::vector<float>(out.ptr<float>(), out.ptr<float>() + out.total());
}

TextPolygons distinctCandidates(const TextPolygons& candidates, float minIoU)
{
    CV_TRACE_FUNCTION();
    const std::vector<float>& scores = candidates.scores;
    std::vector<int> order(scores.size());
    std::iota(order.begin(), order.end(), 0);
    std::stable_sort(order.begin(), order.end(), [&](int a, int b) { return scores[a] > scores[b]; });
    std::vector<int> kept;
    for (int i : order)
    {
        bool duplicate = false;
        for (int k : kept)
        {
            if (polygonIoU(candidates.polygons[i], candidates.polygons[k]) >= minIoU)
            {
                duplicate = true;
                break;
            }
        }
        if (!duplicate)
            kept.push_back(i);
    }
    std::sort(kept.begin(), kept.end());
    TextPolygons out;
    for (int i : kept)
    {
        out.polygons.push_back(candidates.polygons[i]);
        out.scores.push_back(scores[i]);
    }
    return out;
}

float fillRatio(const std::vector<Point2f>& polygon)
{
    const RotatedRect r = minAreaRect(polygon);
    return (float)(std::abs(contourArea(polygon)) / std::max((double)r.size.width * r.size.height, 1e-6));
}

std::vector<float> CandidateVerifier::rescore(const Mat& frame, const TextPolygons& candidates)
{
    CV_TRACE_FUNCTION();
    std::vector<float> scores = candidates.scores;  // the gated ones keep theirs
    std::vector<int> asked;
    for (size_t i = 0; i < candidates.polygons.size(); ++i)
        if (fillRatio(candidates.polygons[i]) >= minFill_)
            asked.push_back((int)i);
    const int n = (int)asked.size();
    if (n == 0)
        return scores;
    Mat bgr = frame;
    if (frame.channels() == 1)
        cvtColor(frame, bgr, COLOR_GRAY2BGR);
    else if (frame.channels() == 4)
        cvtColor(frame, bgr, COLOR_BGRA2BGR);
    std::vector<Mat> crops(n);
    const int one[] = { n, 1, 1, 1 }, two[] = { n, 2, 1, 1 };
    Mat logits(4, one, CV_32F), shapes(4, two, CV_32F);
    for (int i = 0; i < n; ++i)
    {
        const std::vector<Point2f>& polygon = candidates.polygons[asked[i]];
        crops[i] = verifierCrop(bgr, polygon);
        logits.ptr<float>()[i] = scoreLogit(candidates.scores[asked[i]]);
        const Vec2f s = verifierShape(polygon, frame.size());
        shapes.ptr<float>()[2 * i] = s[0];
        shapes.ptr<float>()[2 * i + 1] = s[1];
    }
    // (pixel - 127.5) / 255, BGR as read: the scaling training/atrr/verifier.py's to_tensor applies.
    const Mat blob = dnn::blobFromImages(crops, 1.0 / 255.0, Size(), Scalar::all(127.5), false, false);
    const std::vector<float> verified = forward(blob, logits, shapes);
    CV_CheckEQ((int)verified.size(), n, "AdaptiveTextDetector: the verifier must give one score per candidate");
    for (int i = 0; i < n; ++i)
        scores[asked[i]] = verified[i];
    return scores;
}

}  // namespace detail
}  // namespace adaptivetext
}  // namespace cv
