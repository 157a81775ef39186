// This file is part of OpenCV project.
// It is subject to the license terms in the LICENSE file found in the top-level directory
// of this distribution and at http://opencv.org/license.html.

// adaptivetext.TextProposal: Text-RPN decoding (anchors, box deltas, clip, min-size filter), score ordering,
// greedy NMS and a fixed-size padded output. Semantics: doc/model_format.md, section 3.3.
#include "../precomp.hpp"
#include "layer_utils.hpp"

namespace cv {
namespace adaptivetext {

namespace {

const char* const kOp = "TextProposal";
const char* const kInputNames = "scores, deltas, image";

struct Box
{
    float x1, y1, x2, y2;
    float area() const { return (x2 - x1) * (y2 - y1); }
};

// Intersection over union of two continuous boxes. Two degenerate boxes (union 0) do not overlap.
inline float iou(const Box& a, const Box& b)
{
    const float iw = std::min(a.x2, b.x2) - std::max(a.x1, b.x1);
    const float ih = std::min(a.y2, b.y2) - std::max(a.y1, b.y1);
    if (iw <= 0.f || ih <= 0.f)
        return 0.f;
    const float inter = iw * ih;
    const float uni = a.area() + b.area() - inter;
    return uni > 0.f ? inter / uni : 0.f;
}

struct Candidate
{
    float score;
    int index;  // flat index (a*Hf + y)*Wf + x: the tie-breaker, so the order never depends on the sort
    Box box;
};

// Strict total order of the contract: higher score first, equal scores by lower flat index.
inline bool ranksBefore(const Candidate& a, const Candidate& b)
{
    return a.score > b.score || (a.score == b.score && a.index < b.index);
}

}  // namespace

class TextProposalLayerImpl CV_FINAL : public TextProposalLayer
{
public:
    explicit TextProposalLayerImpl(const dnn::LayerParams& params)
    {
        setParamsFrom(params);
        detail::checkContractVersion(params, kOp);
        featStride = detail::requiredParam<int>(params, kOp, "feat_stride");
        anchorSizes = detail::floatListParam(params, kOp, "anchor_sizes");
        anchorRatios = detail::floatListParam(params, kOp, "anchor_ratios");
        preNmsTopN = detail::requiredParam<int>(params, kOp, "pre_nms_top_n");
        postNmsTopN = detail::requiredParam<int>(params, kOp, "post_nms_top_n");
        nmsThreshold = detail::requiredParam<float>(params, kOp, "nms_threshold");
        minSize = detail::requiredParam<float>(params, kOp, "min_size");

        CV_CheckGT(featStride, 0, "adaptivetext.TextProposal: feat_stride must be positive");
        CV_CheckGT(anchorSizes.size(), (size_t)0, "adaptivetext.TextProposal: anchor_sizes is empty");
        CV_CheckGT(anchorRatios.size(), (size_t)0, "adaptivetext.TextProposal: anchor_ratios is empty");
        for (float s : anchorSizes)
            CV_CheckGT(s, 0.f, "adaptivetext.TextProposal: every anchor size must be positive");
        for (float r : anchorRatios)
            CV_CheckGT(r, 0.f, "adaptivetext.TextProposal: every anchor ratio (width/height) must be positive");
        CV_CheckGE(preNmsTopN, 1, "adaptivetext.TextProposal: pre_nms_top_n must be at least 1");
        CV_CheckGE(postNmsTopN, 1, "adaptivetext.TextProposal: post_nms_top_n (the number K of output rows) "
                                   "must be at least 1");
        CV_CheckGE(nmsThreshold, 0.f, "adaptivetext.TextProposal: nms_threshold must be in [0, 1]");
        CV_CheckLE(nmsThreshold, 1.f, "adaptivetext.TextProposal: nms_threshold must be in [0, 1]");
        CV_CheckGE(minSize, 0.f, "adaptivetext.TextProposal: min_size must not be negative");

        // Anchor a = i_ratio * len(sizes) + i_size; width/height depend only on a.
        for (float r : anchorRatios)
            for (float s : anchorSizes)
                anchorShapes.emplace_back(s * std::sqrt(r), s / std::sqrt(r));
    }

    bool supportBackend(int backendId) CV_OVERRIDE
    {
        return backendId == dnn::DNN_BACKEND_OPENCV;
    }

    // Output shapes depend only on attributes. At import the dynamic dims of the inputs are 0, so a
    // consistency check runs only where both sides are known.
    bool getMemoryShapes(const std::vector<dnn::MatShape>& inputs, const int /*requiredOutputs*/,
                         std::vector<dnn::MatShape>& outputs,
                         std::vector<dnn::MatShape>& /*internals*/) const CV_OVERRIDE
    {
        detail::checkInputCount(inputs.size(), 3, kOp, kInputNames);
        checkInputShapes(inputs[0], inputs[1], inputs[2]);
        outputs.assign(1, dnn::MatShape{postNmsTopN, 5});
        outputs.push_back(dnn::MatShape{postNmsTopN, 1});
        return false;
    }

    void forward(InputArrayOfArrays inputs_arr, OutputArrayOfArrays outputs_arr,
                 OutputArrayOfArrays internals_arr) CV_OVERRIDE
    {
        CV_TRACE_FUNCTION();
        CV_TRACE_ARG_VALUE(name, "name", name.c_str());
        std::vector<Mat> inputs, outputs;
        if (!detail::fetchFloatMats(*this, inputs_arr, outputs_arr, internals_arr, inputs, outputs))
            return;
        detail::checkInputCount(inputs.size(), 3, kOp, kInputNames);
        const Mat& scores = inputs[0];
        const Mat& deltas = inputs[1];
        const Mat& image = inputs[2];
        checkInputShapes(dnn::shape(scores), dnn::shape(deltas), dnn::shape(image));
        detail::checkFloat32(scores, kOp, "scores");
        detail::checkFloat32(deltas, kOp, "deltas");

        std::vector<Candidate> candidates = topCandidates(scores, deltas, (float)image.size[3], (float)image.size[2]);
        std::vector<int> kept = greedyNms(candidates);
        writeOutputs(candidates, kept, outputs[0], outputs[1]);
    }

private:
    void checkInputShapes(const dnn::MatShape& scores, const dnn::MatShape& deltas,
                          const dnn::MatShape& image) const
    {
        const int A = (int)anchorShapes.size();
        CV_CheckEQ(scores.size(), (size_t)4, "adaptivetext.TextProposal: scores must be 4-D [1,A,Hf,Wf]");
        CV_CheckEQ(deltas.size(), (size_t)4, "adaptivetext.TextProposal: deltas must be 4-D [1,4A,Hf,Wf]");
        CV_CheckEQ(image.size(), (size_t)4, "adaptivetext.TextProposal: image must be 4-D [1,3,H,W]");
        if (scores[0] > 0)
            CV_CheckEQ(scores[0], 1, "adaptivetext.TextProposal: batch must be 1 (scores)");
        if (deltas[0] > 0)
            CV_CheckEQ(deltas[0], 1, "adaptivetext.TextProposal: batch must be 1 (deltas)");
        if (scores[1] > 0)
            CV_CheckEQ(scores[1], A, "adaptivetext.TextProposal: scores channels must equal the anchor count "
                                     "A = len(anchor_ratios) * len(anchor_sizes)");
        if (deltas[1] > 0)
            CV_CheckEQ(deltas[1], 4 * A, "adaptivetext.TextProposal: deltas channels must be 4A "
                                         "(dx, dy, dw, dh per anchor)");
        for (int d = 2; d < 4; ++d)
            if (scores[d] > 0 && deltas[d] > 0)
                CV_CheckEQ(scores[d], deltas[d], "adaptivetext.TextProposal: scores and deltas maps differ in size");
    }

    // The first pre_nms_top_n boxes, in contract order, among those that are at least min_size after decoding and
    // clipping: the same set as decoding all A*Hf*Wf anchors, filtering, then ranking, but only the boxes that can
    // make the cut are decoded. Scores are ranked first; each round decodes the next best anchors, as many as are
    // still missing, so the kept boxes are always a prefix of the ranked valid ones. (Decoding all 97k anchors of
    // a 672x512 input cost about 1.5 ms of the layer's 2.5-3 ms.)
    std::vector<Candidate> topCandidates(const Mat& scores, const Mat& deltas, float imgW, float imgH) const
    {
        const int A = (int)anchorShapes.size(), Hf = scores.size[2], Wf = scores.size[3];
        const size_t plane = (size_t)Hf * Wf, total = (size_t)A * plane;
        const float* s = scores.ptr<float>();
        std::vector<Candidate> ranked(total);
        for (size_t i = 0; i < total; ++i)
            ranked[i] = Candidate{ s[i], (int)i, Box() };
        std::vector<Candidate> out;
        out.reserve(std::min(total, (size_t)preNmsTopN));
        size_t begin = 0;
        while (out.size() < (size_t)preNmsTopN && begin < total)
        {
            const size_t end = std::min(total, begin + ((size_t)preNmsTopN - out.size()));
            if (end < total)
                std::nth_element(ranked.begin() + begin, ranked.begin() + end, ranked.end(), ranksBefore);
            for (size_t i = begin; i < end; ++i)
            {
                Candidate c = ranked[i];
                if (decodeBox(deltas, c.index, Wf, plane, imgW, imgH, c.box))
                    out.push_back(c);
            }
            begin = end;
        }
        std::sort(out.begin(), out.end(), ranksBefore);
        return out;
    }

    // The box of flat anchor index `index` ((a*Hf + y)*Wf + x), clipped to the image; false when it is under
    // min_size on a side.
    bool decodeBox(const Mat& deltas, int index, int Wf, size_t plane, float imgW, float imgH, Box& b) const
    {
        // Larger dw/dh would overflow exp() into boxes of no meaning (Faster R-CNN's clamp).
        static const float maxLogScale = std::log(1000.f / 16.f);
        const int a = (int)(index / plane);
        const size_t i = index - (size_t)a * plane;
        const int y = (int)(i / Wf), x = (int)(i % Wf);
        const float aw = anchorShapes[a].first, ah = anchorShapes[a].second;
        const float* dx = deltas.ptr<float>() + (size_t)(4 * a) * plane;
        const float* dy = dx + plane;
        const float* dw = dy + plane;
        const float* dh = dw + plane;
        const float cx = (x + 0.5f) * featStride, cy = (y + 0.5f) * featStride;
        const float px = cx + dx[i] * aw, py = cy + dy[i] * ah;
        const float pw = aw * std::exp(std::min(dw[i], maxLogScale));
        const float ph = ah * std::exp(std::min(dh[i], maxLogScale));
        b.x1 = std::min(std::max(px - 0.5f * pw, 0.f), imgW);
        b.y1 = std::min(std::max(py - 0.5f * ph, 0.f), imgH);
        b.x2 = std::min(std::max(px + 0.5f * pw, 0.f), imgW);
        b.y2 = std::min(std::max(py + 0.5f * ph, 0.f), imgH);
        return !(b.x2 - b.x1 < minSize || b.y2 - b.y1 < minSize);
    }

    // Greedy NMS in order; stops once post_nms_top_n boxes are kept since later ones would not be output.
    std::vector<int> greedyNms(const std::vector<Candidate>& c) const
    {
        std::vector<int> kept;
        kept.reserve(std::min(c.size(), (size_t)postNmsTopN));
        for (int i = 0; i < (int)c.size() && (int)kept.size() < postNmsTopN; ++i)
        {
            bool suppressed = false;
            for (int k : kept)
            {
                if (iou(c[i].box, c[k].box) > nmsThreshold)
                {
                    suppressed = true;
                    break;
                }
            }
            if (!suppressed)
                kept.push_back(i);
        }
        return kept;
    }

    void writeOutputs(const std::vector<Candidate>& c, const std::vector<int>& kept, Mat& rois, Mat& rpnScores) const
    {
        CV_Assert(rois.total() == (size_t)postNmsTopN * 5 && rpnScores.total() == (size_t)postNmsTopN);
        float* r = rois.ptr<float>();
        float* s = rpnScores.ptr<float>();
        for (int k = 0; k < postNmsTopN; ++k, r += 5)
        {
            if (k < (int)kept.size())
            {
                const Candidate& cand = c[kept[k]];
                r[0] = 0.f;  // batch index: the input batch is 1
                r[1] = cand.box.x1;
                r[2] = cand.box.y1;
                r[3] = cand.box.x2;
                r[4] = cand.box.y2;
                s[k] = cand.score;
            }
            else
            {
                r[0] = -1.f;  // padding row, skipped by RoIAlign and PointPairDecoder
                r[1] = r[2] = r[3] = r[4] = 0.f;
                s[k] = 0.f;
            }
        }
    }

    int featStride;
    std::vector<float> anchorSizes, anchorRatios;
    std::vector<std::pair<float, float> > anchorShapes;  // (width, height) of anchor a
    int preNmsTopN, postNmsTopN;
    float nmsThreshold, minSize;
};

Ptr<dnn::Layer> TextProposalLayer::create(dnn::LayerParams& params)
{
    return makePtr<TextProposalLayerImpl>(params);
}

}  // namespace adaptivetext
}  // namespace cv
