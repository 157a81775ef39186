// This file is part of OpenCV project.
// It is subject to the license terms in the LICENSE file found in the top-level directory
// of this distribution and at http://opencv.org/license.html.

// RoIAlign with the semantics of torchvision.ops.roi_align(..., aligned=True) (doc/model_format.md §3.2).
// The arithmetic order below follows that definition in float32 so that the sample grid and the bin
// sizes round the same way (a grid size is a ceil() of a float ratio, where one ulp can change the count).
#include "../precomp.hpp"
#include "layer_utils.hpp"

namespace cv {
namespace adaptivetext {

namespace {

const char* const kOp = "RoIAlign";
const char* const kInputNames = "X [N,C,H,W] and rois [K,5]";

// One bilinear sample: four flat offsets into a feature plane and their weights (all 0 when the sample
// lies outside [-1, H] x [-1, W]).
struct BilinearSample
{
    int offset[4];
    float weight[4];
};

BilinearSample makeSample(float y, float x, int height, int width)
{
    BilinearSample s = {};
    // Written so that a NaN coordinate also counts as outside (it would otherwise become an index).
    if (!(y >= -1.f && y <= (float)height && x >= -1.f && x <= (float)width))
        return s;
    y = std::max(y, 0.f);
    x = std::max(x, 0.f);
    int yLow = (int)y, xLow = (int)x, yHigh, xHigh;
    if (yLow >= height - 1)
    {
        yHigh = yLow = height - 1;
        y = (float)yLow;
    }
    else
        yHigh = yLow + 1;
    if (xLow >= width - 1)
    {
        xHigh = xLow = width - 1;
        x = (float)xLow;
    }
    else
        xHigh = xLow + 1;
    const float ly = y - (float)yLow, lx = x - (float)xLow;
    const float hy = 1.f - ly, hx = 1.f - lx;
    s.offset[0] = yLow * width + xLow;
    s.offset[1] = yLow * width + xHigh;
    s.offset[2] = yHigh * width + xLow;
    s.offset[3] = yHigh * width + xHigh;
    s.weight[0] = hy * hx;
    s.weight[1] = hy * lx;
    s.weight[2] = ly * hx;
    s.weight[3] = ly * lx;
    return s;
}

// Below this many output values per stripe the thread hand-off costs more than the work.
const double kMinOutputsPerStripe = 4096;

// A RoI whose adaptive grid needs more samples than this is refused rather than exhausting memory; a box
// covering a whole 1280x736 image at stride 16 with a 7x14 output needs about 4e3.
const double kMaxSamplesPerRoi = 1 << 22;

// Where a RoI's bins and samples lie in feature coordinates.
struct RoIGrid
{
    float startX, startY, binW, binH;
    int gridH, gridW;  // samples per bin along each axis, >= 0
};

}  // namespace

class RoIAlignLayerImpl CV_FINAL : public RoIAlignLayer
{
public:
    explicit RoIAlignLayerImpl(const dnn::LayerParams& params)
    {
        setParamsFrom(params);
        outHeight_ = detail::requiredParam<int>(params, kOp, "output_height");
        outWidth_ = detail::requiredParam<int>(params, kOp, "output_width");
        spatialScale_ = detail::requiredParam<double>(params, kOp, "spatial_scale");
        samplingRatio_ = detail::requiredParam<int>(params, kOp, "sampling_ratio");
        CV_CheckGE(outHeight_, 1, "adaptivetext.RoIAlign: attribute output_height must be >= 1");
        CV_CheckGE(outWidth_, 1, "adaptivetext.RoIAlign: attribute output_width must be >= 1");
        CV_CheckGT(spatialScale_, 0.0, "adaptivetext.RoIAlign: attribute spatial_scale must be > 0");
        CV_CheckGE(samplingRatio_, 0, "adaptivetext.RoIAlign: attribute sampling_ratio must be >= 0 (0 = adaptive)");
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
        detail::checkInputCount(inputs.size(), 2, kOp, kInputNames);
        const dnn::MatShape& x = inputs[0];
        const dnn::MatShape& rois = inputs[1];
        checkInputShapes(x, rois);
        // K and C may be 0 at import time (dynamic dims); the output then carries the same unknown.
        const int dims[] = { rois[0], x[1], outHeight_, outWidth_ };
        outputs.assign(1, dnn::MatShape(dims, dims + 4));
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
        detail::checkInputCount(inputs.size(), 2, kOp, kInputNames);
        const Mat& x = inputs[0];
        const Mat& rois = inputs[1];
        Mat& y = outputs[0];
        checkInputShapes(dnn::shape(x), dnn::shape(rois));
        detail::checkFloat32(x, kOp, "input X");
        detail::checkFloat32(rois, kOp, "input rois");
        detail::checkMapNotEmpty(x, kOp, "feature map X");
        CV_Assert(x.isContinuous() && rois.isContinuous() && y.isContinuous());
        const int K = rois.size[0], C = x.size[1];
        CV_CheckEQ(y.size[0], K, "adaptivetext.RoIAlign: output row count differs from rois");

        // Padding rows (batch < 0) are zeroed here and never visited again.
        y.setTo(0);
        std::vector<int> active, batchOf(K, -1);
        std::vector<RoIGrid> grids(K);
        for (int k = 0; k < K; ++k)
        {
            const float* roi = rois.ptr<float>(k);
            if (roi[0] < 0.f)
                continue;
            // A float comparison, so that a NaN index fails here instead of becoming an address.
            CV_CheckLT(roi[0], (float)x.size[0], "adaptivetext.RoIAlign: a RoI's batch index is >= N, the batch size of X");
            batchOf[k] = (int)roi[0];
            grids[k] = gridOf(roi);
            active.push_back(k);
        }
        if (active.empty())
            return;

        const int work = (int)active.size() * C;
        const int binsPerPlane = outHeight_ * outWidth_;
        const double stripes = std::max(1.0, std::min((double)work, (double)work * binsPerPlane / kMinOutputsPerStripe));
        parallel_for_(Range(0, work), [&](const Range& r) {
            // Stripes are contiguous in (roi, channel) order, so the sample grid of a RoI is built once per
            // stripe and reused for all its channels.
            std::vector<BilinearSample> samples;
            std::vector<int> binStart;
            int cachedRoi = -1;
            for (int i = r.start; i < r.end; ++i)
            {
                const int k = active[i / C], c = i % C;
                if (k != cachedRoi)
                {
                    buildSamples(grids[k], x.size[2], x.size[3], samples, binStart);
                    cachedRoi = k;
                }
                const float* plane = x.ptr<float>(batchOf[k], c);
                float* out = y.ptr<float>(k, c);
                poolPlane(plane, samples, binStart, out);
            }
        }, stripes);
    }

private:
    static void checkInputShapes(const dnn::MatShape& x, const dnn::MatShape& rois)
    {
        CV_CheckEQ(x.size(), (size_t)4, "adaptivetext.RoIAlign: input X must be 4-D [N,C,H,W]");
        CV_CheckEQ(rois.size(), (size_t)2, "adaptivetext.RoIAlign: input rois must be 2-D [K,5]");
        CV_CheckEQ(rois[1], 5, "adaptivetext.RoIAlign: input rois must have 5 columns (batch, x1, y1, x2, y2)");
    }

    // The sample grid of one RoI, in torchvision's float32 arithmetic order.
    RoIGrid gridOf(const float* roi) const
    {
        RoIGrid g;
        // torchvision computes the corner in double (float coordinate times double scale) and stores float.
        g.startX = (float)(roi[1] * spatialScale_ - 0.5);
        g.startY = (float)(roi[2] * spatialScale_ - 0.5);
        const float roiW = (float)(roi[3] * spatialScale_ - 0.5) - g.startX;
        const float roiH = (float)(roi[4] * spatialScale_ - 0.5) - g.startY;
        g.binH = roiH / (float)outHeight_;
        g.binW = roiW / (float)outWidth_;
        // A zero or negative size gives a non-positive adaptive grid, hence no samples and a 0 output.
        // A NaN or infinite size fails the check below (NaN compares false).
        const float gridH = samplingRatio_ > 0 ? (float)samplingRatio_ : std::ceil(roiH / (float)outHeight_);
        const float gridW = samplingRatio_ > 0 ? (float)samplingRatio_ : std::ceil(roiW / (float)outWidth_);
        const double samples = (double)std::max(gridH, 0.f) * std::max(gridW, 0.f) * outHeight_ * outWidth_;
        CV_CheckLE(samples, kMaxSamplesPerRoi,
                   "adaptivetext.RoIAlign: a RoI is far larger than the feature map (or not finite): its adaptive "
                   "sampling grid would need too many samples");
        g.gridH = gridH > 0.f ? (int)gridH : 0;
        g.gridW = gridW > 0.f ? (int)gridW : 0;
        return g;
    }

    // Fills the bilinear samples of all bins of one RoI; bin b uses samples[binStart[b] .. binStart[b+1]).
    void buildSamples(const RoIGrid& g, int height, int width, std::vector<BilinearSample>& samples,
                      std::vector<int>& binStart) const
    {
        samples.clear();
        samples.reserve((size_t)g.gridH * g.gridW * outHeight_ * outWidth_);
        binStart.assign(1, 0);
        for (int ph = 0; ph < outHeight_; ++ph)
            for (int pw = 0; pw < outWidth_; ++pw)
            {
                for (int iy = 0; iy < g.gridH; ++iy)
                {
                    const float sy = g.startY + ph * g.binH + (float)(iy + .5f) * g.binH / (float)g.gridH;
                    for (int ix = 0; ix < g.gridW; ++ix)
                    {
                        const float sx = g.startX + pw * g.binW + (float)(ix + .5f) * g.binW / (float)g.gridW;
                        samples.push_back(makeSample(sy, sx, height, width));
                    }
                }
                binStart.push_back((int)samples.size());
            }
    }

    void poolPlane(const float* plane, const std::vector<BilinearSample>& samples, const std::vector<int>& binStart,
                   float* out) const
    {
        const int bins = outHeight_ * outWidth_;
        for (int b = 0; b < bins; ++b)
        {
            const int begin = binStart[b], end = binStart[b + 1];
            if (begin == end)
                continue;  // zero grid: the output stays 0
            float acc = 0.f;
            for (int s = begin; s < end; ++s)
            {
                const BilinearSample& p = samples[s];
                acc += p.weight[0] * plane[p.offset[0]] + p.weight[1] * plane[p.offset[1]] +
                       p.weight[2] * plane[p.offset[2]] + p.weight[3] * plane[p.offset[3]];
            }
            out[b] = acc / (float)(end - begin);
        }
    }

    int outHeight_ = 0;
    int outWidth_ = 0;
    double spatialScale_ = 0;
    int samplingRatio_ = 0;
};

Ptr<dnn::Layer> RoIAlignLayer::create(dnn::LayerParams& params)
{
    detail::checkContractVersion(params, kOp);
    return makePtr<RoIAlignLayerImpl>(params);
}

}  // namespace adaptivetext
}  // namespace cv
