// This file is part of OpenCV project.
// It is subject to the license terms in the LICENSE file found in the top-level directory
// of this distribution and at http://opencv.org/license.html.

// Fused squeeze-and-excitation (doc/model_format.md §3.1):
//   s = mean_{h,w} X[n,c];  z = relu(W1 s);  e = sigmoid(W2 z);  Y[n,c] = X[n,c] * e[n,c].
// A fused layer is needed because OpenCV 4.6 cannot import the broadcast Mul of the unfused pattern when
// H and W are dynamic.
#include "../precomp.hpp"
#include "layer_utils.hpp"

namespace cv {
namespace adaptivetext {

namespace {

const char* const kOp = "SEBlock";
const char* const kInputNames = "X [N,C,H,W]";

// Below this many elements per stripe the thread hand-off costs more than the work.
const double kMinElementsPerStripe = 1 << 15;

double stripesFor(size_t planes, size_t elementsPerPlane)
{
    const double total = (double)planes * (double)elementsPerPlane;
    return std::max(1.0, std::min((double)planes, total / kMinElementsPerStripe));
}

}  // namespace

class SEBlockLayerImpl CV_FINAL : public SEBlockLayer
{
public:
    explicit SEBlockLayerImpl(const dnn::LayerParams& params)
    {
        setParamsFrom(params);
        CV_CheckEQ((int)blobs.size(), 2,
                   "adaptivetext.SEBlock: expects exactly two weight initializers W1 [C/r, C] and W2 [C, C/r]");
        const Mat& w1 = blobs[0];
        const Mat& w2 = blobs[1];
        CV_CheckEQ(w1.dims, 2, "adaptivetext.SEBlock: W1 must be a 2-D matrix [C/r, C]");
        CV_CheckEQ(w2.dims, 2, "adaptivetext.SEBlock: W2 must be a 2-D matrix [C, C/r]");
        detail::checkFloat32(w1, kOp, "W1");
        detail::checkFloat32(w2, kOp, "W2");
        hidden_ = w1.size[0];
        channels_ = w1.size[1];
        CV_CheckGT(hidden_, 0, "adaptivetext.SEBlock: W1 has no rows (C/r must be >= 1)");
        CV_CheckGT(channels_, 0, "adaptivetext.SEBlock: W1 has no columns (C must be >= 1)");
        CV_CheckEQ(w2.size[0], channels_, "adaptivetext.SEBlock: W2 must have C rows, C being W1's column count");
        CV_CheckEQ(w2.size[1], hidden_, "adaptivetext.SEBlock: W2 must have C/r columns, C/r being W1's row count");
    }

    bool supportBackend(int backendId) CV_OVERRIDE
    {
        // Other backends (CUDA) fall back to this CPU implementation: out-of-tree layers cannot reach
        // OpenCV's private CUDA helpers.
        return backendId == dnn::DNN_BACKEND_OPENCV;
    }

    bool getMemoryShapes(const std::vector<dnn::MatShape>& inputs, const int requiredOutputs,
                         std::vector<dnn::MatShape>& outputs, std::vector<dnn::MatShape>& internals) const CV_OVERRIDE
    {
        CV_UNUSED(requiredOutputs);
        CV_UNUSED(internals);
        detail::checkInputCount(inputs.size(), 1, kOp, kInputNames);
        checkInputShape(inputs[0], false);
        // The output shape keeps the import-time 0s (unknown) like OpenCV's own element-wise layers; at run
        // time the engine refuses 0-sized blobs and forward() checks H, W again.
        outputs.assign(1, inputs[0]);
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
        detail::checkInputCount(inputs.size(), 1, kOp, kInputNames);
        const Mat& x = inputs[0];
        Mat& y = outputs[0];
        checkInputShape(dnn::shape(x), true);
        detail::checkFloat32(x, kOp, "input X");
        detail::checkMapNotEmpty(x, kOp, "input X");
        CV_Assert(x.isContinuous() && y.isContinuous() && y.total() == x.total());

        const int N = x.size[0];
        const size_t planes = (size_t)N * channels_;
        const size_t planeSize = (size_t)x.size[2] * x.size[3];
        const float* src = x.ptr<float>();
        float* dst = y.ptr<float>();

        // Squeeze: per-plane mean, accumulated in double so large maps lose no precision. cv::sum does that with
        // SIMD; a plain `double += float` loop cannot be vectorised: the layers took 6-7 ms at 672x512, now 3-3.5.
        std::vector<float> scale(planes);
        parallel_for_(Range(0, (int)planes), [&](const Range& r) {
            for (int p = r.start; p < r.end; ++p)
            {
                const Mat plane(1, (int)planeSize, CV_32F, const_cast<float*>(src + (size_t)p * planeSize));
                scale[p] = (float)(sum(plane)[0] / (double)planeSize);
            }
        }, stripesFor(planes, planeSize));

        // Excitation: two tiny matrix-vector products per image, serial (2*C*C/r flops).
        excite(N, scale);

        // Scale: each plane multiplied by its gate.
        parallel_for_(Range(0, (int)planes), [&](const Range& r) {
            for (int p = r.start; p < r.end; ++p)
            {
                const float* in = src + (size_t)p * planeSize;
                float* out = dst + (size_t)p * planeSize;
                const float e = scale[p];
                for (size_t i = 0; i < planeSize; ++i)
                    out[i] = in[i] * e;
            }
        }, stripesFor(planes, planeSize));
    }

    int64 getFLOPS(const std::vector<dnn::MatShape>& inputs, const std::vector<dnn::MatShape>& outputs) const CV_OVERRIDE
    {
        CV_UNUSED(outputs);
        const int64 elements = (int64)dnn::total(inputs[0]);
        return 2 * elements + 4 * (int64)inputs[0][0] * channels_ * hidden_;
    }

private:
    // X must be [N,C,H,W]. At import (`running` false) dynamic dims are 0 and only a known C can be checked.
    void checkInputShape(const dnn::MatShape& x, bool running) const
    {
        CV_CheckEQ(x.size(), (size_t)4, "adaptivetext.SEBlock: input X must be 4-D [N,C,H,W]");
        if (running || x[1] != 0)
            CV_CheckEQ(x[1], channels_, "adaptivetext.SEBlock: input channel count C differs from W1's columns");
    }

    // Replaces the per-plane means in `gates` ([N*C]) by the sigmoid gates e[n,c].
    void excite(int N, std::vector<float>& gates) const
    {
        const Mat& w1 = blobs[0];
        const Mat& w2 = blobs[1];
        std::vector<float> z(hidden_);
        for (int n = 0; n < N; ++n)
        {
            float* s = &gates[(size_t)n * channels_];
            for (int j = 0; j < hidden_; ++j)
            {
                const float* row = w1.ptr<float>(j);
                double acc = 0;
                for (int c = 0; c < channels_; ++c)
                    acc += (double)row[c] * s[c];
                z[j] = (float)std::max(acc, 0.0);
            }
            for (int c = 0; c < channels_; ++c)
            {
                const float* row = w2.ptr<float>(c);
                double acc = 0;
                for (int j = 0; j < hidden_; ++j)
                    acc += (double)row[j] * z[j];
                s[c] = (float)(1.0 / (1.0 + std::exp(-acc)));
            }
        }
    }

    int channels_ = 0;  // C
    int hidden_ = 0;    // C / r
};

Ptr<dnn::Layer> SEBlockLayer::create(dnn::LayerParams& params)
{
    detail::checkContractVersion(params, kOp);
    return makePtr<SEBlockLayerImpl>(params);
}

}  // namespace adaptivetext
}  // namespace cv
