// This file is part of OpenCV project.
// It is subject to the license terms in the LICENSE file found in the top-level directory
// of this distribution and at http://opencv.org/license.html.

// adaptivetext.PointPairDecoder: the LSTM that emits one point pair (top, bottom) per step for every RoI,
// with a per-RoI learned stop. Semantics: doc/model_format.md, section 3.4.
//
// The LSTM input is the same feature vector at every step, so W_ih x + B is computed once per RoI. RoIs are
// split into stripes for cv::parallel_for_; inside a stripe the still-running RoIs are stacked as rows so
// that each step is one product H * W_hh^T, and rows that stopped are compacted away so finished RoIs cost
// nothing. The products use the hand kernel multiplyTransposed below rather than cv::gemm: Debian's
// OpenCV 4.6 routes cv::gemm to the reference BLAS, which measured about 4x slower on these shapes.
#include "../precomp.hpp"
#include "layer_utils.hpp"
#include "../parameter_checks.hpp"

#include <opencv2/core/hal/intrin.hpp>

namespace cv {
namespace adaptivetext {

namespace {

const char* const kOp = "PointPairDecoder";
const char* const kInputNames[] = { "features", "text_scores", "rois" };
const char* const kInputList = "features, text_scores, rois";

inline float sigmoid(float x) { return 1.f / (1.f + std::exp(-x)); }

// Product of dims [from, end); -1 when one of them is unknown (0 at import with dynamic shapes).
int trailingTotal(const dnn::MatShape& s, int from)
{
    int total = 1;
    for (size_t d = from; d < s.size(); ++d)
    {
        if (s[d] <= 0)
            return -1;
        total *= s[d];
    }
    return total;
}

// A bias blob is [n] in ONNX, but OpenCV 4.6 stores 1-D tensors as 2-D Mats ([n,1]); accept any shape
// with a single non-unit dim.
bool isVectorOf(const Mat& m, int n)
{
    int nonUnit = 0;
    for (int d = 0; d < m.dims; ++d)
        nonUnit += m.size[d] != 1;
    return (int)m.total() == n && nonUnit <= 1;
}

// out[q] = dot(a[q], b) over n floats for R rows at once: R rows share each load of b, so a weight row
// is read once per R RoIs (the weights, not the arithmetic, bound the speed).
template <int R>
inline void dotRows(const float* const* a, const float* b, int n, float* out)
{
    float acc[R];
    for (int q = 0; q < R; ++q)
        acc[q] = 0.f;
    int i = 0;
#if CV_SIMD
    v_float32 sum[R];
    for (int q = 0; q < R; ++q)
        sum[q] = vx_setzero_f32();
    for (; i <= n - v_float32::nlanes; i += v_float32::nlanes)
    {
        const v_float32 vb = vx_load(b + i);
        for (int q = 0; q < R; ++q)
            sum[q] = v_fma(vx_load(a[q] + i), vb, sum[q]);
    }
    for (int q = 0; q < R; ++q)
        acc[q] = v_reduce_sum(sum[q]);
#endif
    for (; i < n; ++i)
        for (int q = 0; q < R; ++q)
            acc[q] += a[q][i] * b[i];
    for (int q = 0; q < R; ++q)
        out[q] = acc[q];
}

// dst[r, j] (+)= sum_i a[r, i] * w[j, i] for the first m rows of `a`: a * w^T, both row-major.
void multiplyTransposed(const Mat& a, int m, const Mat& w, Mat& dst, bool accumulate)
{
    const int n = w.rows, len = w.cols;
    CV_DbgAssert(a.cols == len && dst.cols == n && dst.rows >= m);
    const int blockRows = 4;
    float out[blockRows];
    for (int r = 0; r < m; r += blockRows)
    {
        const int rows = std::min(blockRows, m - r);
        const float* rowPtr[blockRows];
        for (int q = 0; q < rows; ++q)
            rowPtr[q] = a.ptr<float>(r + q);
        for (int j = 0; j < n; ++j)
        {
            if (rows == blockRows)
                dotRows<blockRows>(rowPtr, w.ptr<float>(j), len, out);
            else
                for (int q = 0; q < rows; ++q)
                    dotRows<1>(rowPtr + q, w.ptr<float>(j), len, out + q);
            for (int q = 0; q < rows; ++q)
                dst.at<float>(r + q, j) = accumulate ? dst.at<float>(r + q, j) + out[q] : out[q];
        }
    }
#if CV_SIMD
    vx_cleanup();
#endif
}

}  // namespace

class PointPairDecoderLayerImpl CV_FINAL : public PointPairDecoderLayer
{
public:
    explicit PointPairDecoderLayerImpl(const dnn::LayerParams& params)
    {
        setParamsFrom(params);
        detail::checkContractVersion(params, kOp);
        maxSteps = detail::requiredParam<int>(params, kOp, "max_steps");
        minSteps = params.get<int>("min_steps", 2);
        scoreThreshold = detail::requiredParam<float>(params, kOp, "score_threshold");
        stopThreshold = params.get<float>("stop_threshold", 0.5f);
        CV_CheckGE(maxSteps, 2, "adaptivetext.PointPairDecoder: max_steps (T) must be at least 2: "
                                "a polygon needs two point pairs");
        CV_CheckGE(minSteps, 1, "adaptivetext.PointPairDecoder: min_steps must be at least 1");
        checkWeights();
    }

    void setScoreThreshold(float threshold) CV_OVERRIDE
    {
        detail::checkUnitInterval("adaptivetext.PointPairDecoder::setScoreThreshold", "scoreThreshold", threshold);
        scoreThreshold = threshold;
    }
    float getScoreThreshold() const CV_OVERRIDE { return scoreThreshold; }

    bool supportBackend(int backendId) CV_OVERRIDE
    {
        return backendId == dnn::DNN_BACKEND_OPENCV;
    }

    bool getMemoryShapes(const std::vector<dnn::MatShape>& inputs, const int /*requiredOutputs*/,
                         std::vector<dnn::MatShape>& outputs,
                         std::vector<dnn::MatShape>& /*internals*/) const CV_OVERRIDE
    {
        detail::checkInputCount(inputs.size(), 3, kOp, kInputList);
        checkInputShapes(inputs[0], inputs[1], inputs[2]);
        const int K = inputs[2][0];
        outputs.assign(1, dnn::MatShape{K, maxSteps, 4});
        outputs.push_back(dnn::MatShape{K, 1});
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
        detail::checkInputCount(inputs.size(), 3, kOp, kInputList);
        checkInputShapes(dnn::shape(inputs[0]), dnn::shape(inputs[1]), dnn::shape(inputs[2]));
        for (size_t i = 0; i < inputs.size(); ++i)
            detail::checkFloat32(inputs[i], kOp, kInputNames[i]);

        const int K = inputs[2].size[0];
        const Mat features = inputs[0].reshape(1, K);  // [K, D] whatever the trailing layout
        const float* textScores = inputs[1].ptr<float>();
        const Mat& rois = inputs[2];
        Mat& pairs = outputs[0];
        Mat& numPairs = outputs[1];
        pairs.setTo(Scalar::all(0));
        numPairs.setTo(Scalar::all(0));

        // Padding rows and low-score RoIs keep zero output and cost nothing.
        std::vector<int> active;
        active.reserve(K);
        for (int k = 0; k < K; ++k)
            if (rois.at<float>(k, 0) >= 0.f && !(textScores[k] < scoreThreshold))
                active.push_back(k);
        if (active.empty())
            return;

        // At least 4 RoIs per stripe when there are enough, so multiplyTransposed can use its 4-row blocks.
        const int nstripes = std::max(1, std::min(((int)active.size() + 3) / 4, 2 * getNumThreads()));
        parallel_for_(Range(0, (int)active.size()), [&](const Range& r) {
            decodeRois(std::vector<int>(active.begin() + r.start, active.begin() + r.end), features, rois,
                       pairs, numPairs);
        }, nstripes);
    }

private:
    void checkWeights() const
    {
        CV_CheckEQ(blobs.size(), (size_t)5, "adaptivetext.PointPairDecoder: expects 5 initializers "
                                            "(W_ih, W_hh, B, W_out, B_out)");
        const char* const weightNames[] = { "weight W_ih", "weight W_hh", "bias B", "weight W_out", "bias B_out" };
        for (size_t i = 0; i < blobs.size(); ++i)
            detail::checkFloat32(blobs[i], kOp, weightNames[i]);
        const Mat &wih = blobs[0], &whh = blobs[1], &b = blobs[2], &wout = blobs[3], &bout = blobs[4];
        CV_CheckEQ(whh.dims, 2, "adaptivetext.PointPairDecoder: W_hh must be 2-D [4Hd, Hd]");
        const int hd = whh.size[1];
        CV_CheckGT(hd, 0, "adaptivetext.PointPairDecoder: W_hh must be [4Hd, Hd] with Hd > 0");
        CV_CheckEQ(whh.size[0], 4 * hd, "adaptivetext.PointPairDecoder: W_hh must be [4Hd, Hd] "
                                        "(gates i, f, g, o stacked)");
        CV_CheckEQ(wih.dims, 2, "adaptivetext.PointPairDecoder: W_ih must be 2-D [4Hd, D]");
        CV_CheckEQ(wih.size[0], 4 * hd, "adaptivetext.PointPairDecoder: W_ih must be [4Hd, D] with the Hd of W_hh");
        CV_CheckGT(wih.size[1], 0, "adaptivetext.PointPairDecoder: W_ih must be [4Hd, D] with D > 0");
        CV_Check(b.total(), isVectorOf(b, 4 * hd), "adaptivetext.PointPairDecoder: B must be [4Hd] "
                                                   "(b_ih + b_hh)");
        CV_CheckEQ(wout.dims, 2, "adaptivetext.PointPairDecoder: W_out must be 2-D [5, Hd]");
        CV_CheckEQ(wout.size[0], 5, "adaptivetext.PointPairDecoder: W_out must be [5, Hd] "
                                    "(u_top, v_top, u_bottom, v_bottom, stop)");
        CV_CheckEQ(wout.size[1], hd, "adaptivetext.PointPairDecoder: W_out must be [5, Hd] with the Hd of W_hh");
        CV_Check(bout.total(), isVectorOf(bout, 5), "adaptivetext.PointPairDecoder: B_out must be [5]");
    }

    void checkInputShapes(const dnn::MatShape& features, const dnn::MatShape& scores,
                          const dnn::MatShape& rois) const
    {
        CV_CheckEQ(rois.size(), (size_t)2, "adaptivetext.PointPairDecoder: rois must be 2-D [K,5]");
        CV_CheckEQ(rois[1], 5, "adaptivetext.PointPairDecoder: rois must be [K,5] (batch, x1, y1, x2, y2)");
        CV_CheckGE(features.size(), (size_t)2, "adaptivetext.PointPairDecoder: features must be [K,D] "
                                               "(or [K,...] with trailing dims multiplying to D)");
        CV_CheckGE(scores.size(), (size_t)1, "adaptivetext.PointPairDecoder: text_scores must be [K,1]");
        const int K = rois[0];
        if (K > 0 && features[0] > 0)
            CV_CheckEQ(features[0], K, "adaptivetext.PointPairDecoder: features and rois differ in K");
        if (K > 0 && scores[0] > 0)
            CV_CheckEQ(scores[0], K, "adaptivetext.PointPairDecoder: text_scores and rois differ in K");
        const int D = trailingTotal(features, 1);
        if (D > 0)
            CV_CheckEQ(D, blobs[0].size[1], "adaptivetext.PointPairDecoder: the feature size D "
                                            "(product of the trailing dims of features) differs from W_ih's");
        const int perRoiScores = trailingTotal(scores, 1);
        if (perRoiScores > 0)
            CV_CheckEQ(perRoiScores, 1, "adaptivetext.PointPairDecoder: text_scores must be [K,1]");
    }

    // Runs the LSTM for the given RoIs (all active) as a stack of rows; see the file comment.
    void decodeRois(std::vector<int> ids, const Mat& features, const Mat& rois, Mat& pairs, Mat& numPairs) const
    {
        const Mat &wih = blobs[0], &whh = blobs[1], &wout = blobs[3];
        const float* b = blobs[2].ptr<float>();
        const float* bout = blobs[4].ptr<float>();
        const int hd = whh.size[1], G = 4 * hd;
        int m = (int)ids.size();

        Mat x(m, features.cols, CV_32F);
        for (int r = 0; r < m; ++r)
            features.row(ids[r]).copyTo(x.row(r));
        Mat gx(m, G, CV_32F);  // W_ih x + B: the part of the gates that does not change over steps
        multiplyTransposed(x, m, wih, gx, false);
        for (int r = 0; r < m; ++r)
        {
            float* g = gx.ptr<float>(r);
            for (int j = 0; j < G; ++j)
                g[j] += b[j];
        }
        Mat h = Mat::zeros(m, hd, CV_32F), c = Mat::zeros(m, hd, CV_32F), gates(m, G, CV_32F), y(m, 5, CV_32F);

        for (int t = 0; t < maxSteps && m > 0; ++t)
        {
            gx.rowRange(0, m).copyTo(gates.rowRange(0, m));
            if (t > 0)  // h_0 = 0
                multiplyTransposed(h, m, whh, gates, true);
            lstmCell(gates, h, c, m, hd);
            multiplyTransposed(h, m, wout, y, false);

            int kept = 0;
            for (int r = 0; r < m; ++r)
            {
                const int k = ids[r];
                const float* yr = y.ptr<float>(r);
                const float* box = rois.ptr<float>(k) + 1;  // x1, y1, x2, y2
                const float bw = box[2] - box[0], bh = box[3] - box[1];
                float* p = pairs.ptr<float>(k) + (size_t)t * 4;
                p[0] = box[0] + (yr[0] + bout[0]) * bw;
                p[1] = box[1] + (yr[1] + bout[1]) * bh;
                p[2] = box[0] + (yr[2] + bout[2]) * bw;
                p[3] = box[1] + (yr[3] + bout[3]) * bh;
                const bool last = t + 1 == maxSteps ||
                                  (t + 1 >= minSteps && sigmoid(yr[4] + bout[4]) > stopThreshold);
                if (last)
                {
                    numPairs.ptr<float>()[k] = (float)(t + 1);
                    continue;
                }
                if (kept != r)  // compact: keep the still-running RoIs in rows [0, kept)
                {
                    ids[kept] = k;
                    gx.row(r).copyTo(gx.row(kept));
                    h.row(r).copyTo(h.row(kept));
                    c.row(r).copyTo(c.row(kept));
                }
                ++kept;
            }
            m = kept;
        }
    }

    // PyTorch gate order i, f, g, o; updates rows [0, m) of h and c in place.
    static void lstmCell(const Mat& gates, Mat& h, Mat& c, int m, int hd)
    {
        for (int r = 0; r < m; ++r)
        {
            const float* gi = gates.ptr<float>(r);
            const float* gf = gi + hd;
            const float* gg = gf + hd;
            const float* go = gg + hd;
            float* hr = h.ptr<float>(r);
            float* cr = c.ptr<float>(r);
            for (int j = 0; j < hd; ++j)
            {
                cr[j] = sigmoid(gf[j]) * cr[j] + sigmoid(gi[j]) * std::tanh(gg[j]);
                hr[j] = sigmoid(go[j]) * std::tanh(cr[j]);
            }
        }
    }

    int maxSteps, minSteps;
    float scoreThreshold, stopThreshold;
};

Ptr<dnn::Layer> PointPairDecoderLayer::create(dnn::LayerParams& params)
{
    return makePtr<PointPairDecoderLayerImpl>(params);
}

}  // namespace adaptivetext
}  // namespace cv
