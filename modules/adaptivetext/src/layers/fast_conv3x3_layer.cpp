// This file is part of OpenCV project.
// It is subject to the license terms in the LICENSE file found in the top-level directory
// of this distribution and at http://opencv.org/license.html.

// A direct 3x3 convolution for the CPU, used in place of OpenCV 4.6's Convolution where it fits
// (doc/design/opencv_observations.md §11, doc/detector.md "Fast 3x3 convolutions on the CPU").
//
// Why: the backbone's 13 convolutions are ~80 % of detect(), and OpenCV 4.6's kernels run them at 48-63 ms
// (672x512, 2 threads; about 42 GMAC/s on this narrow, 8-64-channel stack) where this direct kernel takes
// 20-23 ms with the same results to float rounding. It keeps its accumulators in registers and reads each
// input vector once per block of output channels.
//
// What fits: 3x3 kernel, stride 1, padding = dilation (1 or 2, "same" output), one group, output channels
// divisible by 8, float32 weights, and a CPU with AVX-512F or AVX2 + FMA (end to end on the sample image, the
// benchmark machine, 2 threads: OpenCV's convolutions 83-85 ms, the AVX2 kernel 55-63, the AVX-512 one 34-43;
// doc/detector.md, "Fast 3x3 convolutions on the CPU", names the CPU and the log).
// FastConv3x3Layer::create returns OpenCV's own ConvolutionLayer for anything else, so it can stand in for
// "Convolution" while a whole model is imported.
#include "../precomp.hpp"
#include "layer_utils.hpp"

#include <opencv2/dnn/all_layers.hpp>

#include <cfloat>
#include <cstdlib>
#include <cstring>

#if (defined(__GNUC__) || defined(__clang__)) && (defined(__x86_64__) || defined(__i386__))
#define ADAPTIVETEXT_FAST_CONV_X86 1
#include <immintrin.h>
#else
#define ADAPTIVETEXT_FAST_CONV_X86 0
#endif

namespace cv {
namespace adaptivetext {

namespace {

const char* const kOp = "FastConv3x3";
const int kChannelBlock = 8;  // output channels per block of the repacked weights

// The instruction sets with a kernel. AVX-512: a job is 8 output channels x 32 pixels (2 vectors of 16, 16
// accumulators). AVX2 has 16 registers of 8 floats: 4 output channels x 24 pixels (3 vectors, 12 accumulators,
// 3 inputs and a broadcast weight), so a block of 8 channels is two jobs.
enum Isa { ISA_NONE = 0, ISA_AVX2, ISA_AVX512 };

int tileWidthOf(Isa isa) { return isa == ISA_AVX512 ? 32 : 24; }
int channelsPerJobOf(Isa isa) { return isa == ISA_AVX512 ? 8 : 4; }

// Everything one forward() call's kernel reads and writes; one sample.
struct ConvProblem
{
    const float* padded;   // [cin][H + 2*dil][paddedWidth], input with a zero border of dil pixels
    int paddedHeight;
    int paddedWidth;
    const float* weights;  // [cout/8][cin][9][8]: for each block, tap and input channel, 8 output weights
    const float* bias;     // [cout]
    float* out;            // [cout][H][W]
    int cin, height, width, dilation;
    bool relu;
};

#if ADAPTIVETEXT_FAST_CONV_X86
// One job = one output row of one block of 8 output channels. The target attribute lets the module be
// compiled for the baseline CPU; this function only runs where checkHardwareSupport(CV_CPU_AVX_512F) holds.
// (A lambda inside a target function does not inherit the attribute, hence a plain function.)
__attribute__((target("avx512f"))) void convolveRowsAvx512(const ConvProblem& p, int firstJob, int endJob)
{
    const int W = p.width, H = p.height, d = p.dilation;
    const int kTileWidth = 32;
    const int tail = W % 16;
    const __mmask16 tailMask = tail ? (__mmask16)((1u << tail) - 1) : (__mmask16)0xFFFF;
    const __m512 lowest = p.relu ? _mm512_setzero_ps() : _mm512_set1_ps(-FLT_MAX);
    for (int job = firstJob; job < endJob; ++job)
    {
        const int block = job / H, y = job % H;
        const float* blockWeights = p.weights + (size_t)block * p.cin * 9 * kChannelBlock;
        for (int x0 = 0; x0 < W; x0 += kTileWidth)
        {
            __m512 acc0[kChannelBlock], acc1[kChannelBlock];
            for (int k = 0; k < kChannelBlock; ++k)
                acc1[k] = acc0[k] = _mm512_set1_ps(p.bias[block * kChannelBlock + k]);
            for (int c = 0; c < p.cin; ++c)
            {
                const float* taps = blockWeights + (size_t)c * 9 * kChannelBlock;
                for (int ky = 0; ky < 3; ++ky)
                {
                    const float* row = p.padded + ((size_t)c * p.paddedHeight + y + ky * d) * p.paddedWidth + x0;
                    for (int kx = 0; kx < 3; ++kx)
                    {
                        const __m512 v0 = _mm512_loadu_ps(row + kx * d);
                        const __m512 v1 = _mm512_loadu_ps(row + kx * d + 16);
                        const float* w = taps + (ky * 3 + kx) * kChannelBlock;
                        for (int k = 0; k < kChannelBlock; ++k)
                        {
                            const __m512 wk = _mm512_set1_ps(w[k]);
                            acc0[k] = _mm512_fmadd_ps(v0, wk, acc0[k]);
                            acc1[k] = _mm512_fmadd_ps(v1, wk, acc1[k]);
                        }
                    }
                }
            }
            // Partial tiles at the right edge: masked stores, so nothing past the row is written.
            const __mmask16 m0 = x0 + 16 <= W ? (__mmask16)0xFFFF : tailMask;
            const __mmask16 m1 = x0 + 32 <= W ? (__mmask16)0xFFFF : (x0 + 16 < W ? tailMask : (__mmask16)0);
            // maskz_max with a full mask is max; GCC 12 warns about _mm512_max_ps's own undefined pass-through.
            for (int k = 0; k < kChannelBlock; ++k)
            {
                float* o = p.out + ((size_t)(block * kChannelBlock + k) * H + y) * W + x0;
                _mm512_mask_storeu_ps(o, m0, _mm512_maskz_max_ps((__mmask16)0xFFFF, acc0[k], lowest));
                _mm512_mask_storeu_ps(o + 16, m1, _mm512_maskz_max_ps((__mmask16)0xFFFF, acc1[k], lowest));
            }
        }
    }
}

// Stores the first n (0..8) floats of v at dst.
__attribute__((target("avx2,fma"))) inline void storeFirstAvx2(float* dst, __m256 v, int n)
{
    if (n >= 8)
        _mm256_storeu_ps(dst, v);
    else if (n > 0)
        _mm256_maskstore_ps(dst, _mm256_cmpgt_epi32(_mm256_set1_epi32(n), _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7)), v);
}

// The same for AVX2 + FMA: one job = one output row of one half (4 channels) of a block of 8. Only runs where
// checkHardwareSupport(CV_CPU_AVX2) and (CV_CPU_FMA3) hold.
__attribute__((target("avx2,fma"))) void convolveRowsAvx2(const ConvProblem& p, int firstJob, int endJob)
{
    const int W = p.width, H = p.height, d = p.dilation;
    const int kTileWidth = 24, kChannels = 4;
    const __m256 lowest = p.relu ? _mm256_setzero_ps() : _mm256_set1_ps(-FLT_MAX);
    for (int job = firstJob; job < endJob; ++job)
    {
        const int quad = job / H, y = job % H;
        const int block = quad / 2, first = quad % 2 * kChannels;
        const float* blockWeights = p.weights + (size_t)block * p.cin * 9 * kChannelBlock + first;
        for (int x0 = 0; x0 < W; x0 += kTileWidth)
        {
            __m256 acc0[kChannels], acc1[kChannels], acc2[kChannels];
            for (int k = 0; k < kChannels; ++k)
                acc2[k] = acc1[k] = acc0[k] = _mm256_set1_ps(p.bias[block * kChannelBlock + first + k]);
            for (int c = 0; c < p.cin; ++c)
            {
                const float* taps = blockWeights + (size_t)c * 9 * kChannelBlock;
                for (int ky = 0; ky < 3; ++ky)
                {
                    const float* row = p.padded + ((size_t)c * p.paddedHeight + y + ky * d) * p.paddedWidth + x0;
                    for (int kx = 0; kx < 3; ++kx)
                    {
                        const __m256 v0 = _mm256_loadu_ps(row + kx * d);
                        const __m256 v1 = _mm256_loadu_ps(row + kx * d + 8);
                        const __m256 v2 = _mm256_loadu_ps(row + kx * d + 16);
                        const float* w = taps + (ky * 3 + kx) * kChannelBlock;
                        for (int k = 0; k < kChannels; ++k)
                        {
                            const __m256 wk = _mm256_broadcast_ss(w + k);
                            acc0[k] = _mm256_fmadd_ps(v0, wk, acc0[k]);
                            acc1[k] = _mm256_fmadd_ps(v1, wk, acc1[k]);
                            acc2[k] = _mm256_fmadd_ps(v2, wk, acc2[k]);
                        }
                    }
                }
            }
            for (int k = 0; k < kChannels; ++k)
            {
                float* o = p.out + ((size_t)(block * kChannelBlock + first + k) * H + y) * W + x0;
                storeFirstAvx2(o, _mm256_max_ps(acc0[k], lowest), W - x0);
                storeFirstAvx2(o + 8, _mm256_max_ps(acc1[k], lowest), W - x0 - 8);
                storeFirstAvx2(o + 16, _mm256_max_ps(acc2[k], lowest), W - x0 - 16);
            }
        }
    }
}
#endif

// The best kernel this CPU runs. ADAPTIVETEXT_FAST_CONV_ISA=avx2 picks AVX2 on an AVX-512 CPU (tests, comparisons);
// read at every layer creation, so it applies to the Nets imported after it is set.
Isa chooseIsa()
{
#if ADAPTIVETEXT_FAST_CONV_X86
    static const bool avx512 = checkHardwareSupport(CV_CPU_AVX_512F);
    static const bool avx2 = checkHardwareSupport(CV_CPU_AVX2) && checkHardwareSupport(CV_CPU_FMA3);
    const char* env = std::getenv("ADAPTIVETEXT_FAST_CONV_ISA");
    const bool wantAvx2 = env && std::string(env) == "avx2";
    if (avx512 && !wantAvx2)
        return ISA_AVX512;
    return avx2 ? ISA_AVX2 : ISA_NONE;
#else
    return ISA_NONE;
#endif
}

// True when every value of the list attribute `key` equals `value`; a missing attribute counts as `absent`.
bool allEqual(const dnn::LayerParams& params, const char* key, int value, int absent)
{
    if (!params.has(key))
        return value == absent;
    const dnn::DictValue& v = params.get(key);
    for (int i = 0; i < v.size(); ++i)
        if (v.get<int>(i) != value)
            return false;
    return true;
}

int dilationOf(const dnn::LayerParams& params)
{
    return params.has("dilation") ? params.get("dilation").get<int>(0) : 1;
}

}  // namespace

class FastConv3x3LayerImpl CV_FINAL : public FastConv3x3Layer
{
public:
    explicit FastConv3x3LayerImpl(const dnn::LayerParams& params)
    {
        setParamsFrom(params);
        isa_ = chooseIsa();
        CV_Assert(isa_ != ISA_NONE);
        const Mat& w = blobs[0];
        cout_ = w.size[0];
        cin_ = w.size[1];
        dilation_ = dilationOf(params);
        bias_.assign(cout_, 0.f);
        if (blobs.size() > 1)
            std::memcpy(bias_.data(), blobs[1].ptr<float>(), sizeof(float) * cout_);
        // Repacked so that the kernel reads the 8 weights of one tap and input channel as one contiguous run.
        packed_.assign((size_t)cout_ * cin_ * 9, 0.f);
        const float* src = w.ptr<float>();
        for (int k = 0; k < cout_; ++k)
            for (int c = 0; c < cin_; ++c)
                for (int t = 0; t < 9; ++t)
                    packed_[(((size_t)(k / kChannelBlock) * cin_ + c) * 9 + t) * kChannelBlock + k % kChannelBlock] =
                        src[((size_t)k * cin_ + c) * 9 + t];
    }

    bool setActivation(const Ptr<dnn::ActivationLayer>& layer) CV_OVERRIDE
    {
        // Only a plain ReLU is fused (the backbone's); anything else stays a layer of its own.
        Ptr<dnn::ReLULayer> relu = layer.dynamicCast<dnn::ReLULayer>();
        if (relu.empty() || relu->negativeSlope != 0.f)
            return false;
        relu_ = true;
        return true;
    }

    bool getMemoryShapes(const std::vector<dnn::MatShape>& inputs, const int requiredOutputs,
                         std::vector<dnn::MatShape>& outputs, std::vector<dnn::MatShape>& internals) const CV_OVERRIDE
    {
        CV_UNUSED(requiredOutputs);
        detail::checkInputCount(inputs.size(), 1, kOp, "X [N,C,H,W]");
        const dnn::MatShape& x = inputs[0];
        CV_CheckEQ(x.size(), (size_t)4, "adaptivetext.FastConv3x3: input X must be 4-D [N,C,H,W]");
        if (x[1] != 0)  // 0 = dynamic at import
            CV_CheckEQ(x[1], cin_, "adaptivetext.FastConv3x3: input channels differ from the weights' C_in");
        outputs.assign(1, dnn::MatShape{ x[0], cout_, x[2], x[3] });
        // The zero-bordered copy of one sample. An `internals` blob, so that cv::dnn allocates it once per
        // input size: on this project's VM, first touches of a fresh multi-megabyte block cost more than the
        // arithmetic (doc/design/opencv_observations.md §6). Its content is not kept between calls (cv::dnn may share
        // the memory), so forward() rewrites the border every time.
        internals.assign(1, dnn::MatShape{ cin_, x[2] + 2 * dilation_, paddedWidth(x[3]) });
        return false;
    }

    void forward(InputArrayOfArrays inputs_arr, OutputArrayOfArrays outputs_arr,
                 OutputArrayOfArrays internals_arr) CV_OVERRIDE
    {
        CV_TRACE_FUNCTION();
        CV_TRACE_ARG_VALUE(name, "name", name.c_str());
        std::vector<Mat> inputs, outputs, internals;
        if (!detail::fetchFloatMats(*this, inputs_arr, outputs_arr, internals_arr, inputs, outputs))
            return;
        internals_arr.getMatVector(internals);
        CV_CheckEQ(internals.size(), (size_t)1,
                   "adaptivetext.FastConv3x3: forward() needs the internal blob that getMemoryShapes asked for");
        detail::checkInputCount(inputs.size(), 1, kOp, "X [N,C,H,W]");
        const Mat& x = inputs[0];
        Mat& y = outputs[0];
        detail::checkFloat32(x, kOp, "input X");
        detail::checkMapNotEmpty(x, kOp, "input X");
        CV_CheckEQ(x.size[1], cin_, "adaptivetext.FastConv3x3: input channels differ from the weights' C_in");
        const int N = x.size[0], H = x.size[2], W = x.size[3];
        const size_t plane = (size_t)H * W;
        // Samples may be views into a larger blob (a fused Concat writes into its output); within one sample
        // the channels must be contiguous.
        CV_Assert(x.step[1] == plane * sizeof(float) && y.step[1] == plane * sizeof(float));
        Mat& padded = internals[0];
        CV_Assert(padded.dims == 3 && padded.size[0] == cin_ && padded.size[1] == H + 2 * dilation_ &&
                  padded.size[2] == paddedWidth(W));

        for (int n = 0; n < N; ++n)
        {
            fillPadded(x.ptr<float>(n), H, W, padded);
            ConvProblem p;
            p.padded = padded.ptr<float>();
            p.paddedHeight = padded.size[1];
            p.paddedWidth = padded.size[2];
            p.weights = packed_.data();
            p.bias = bias_.data();
            p.out = y.ptr<float>(n);
            p.cin = cin_;
            p.height = H;
            p.width = W;
            p.dilation = dilation_;
            p.relu = relu_;
            const int jobs = (cout_ / channelsPerJobOf(isa_)) * H;
#if ADAPTIVETEXT_FAST_CONV_X86
            if (isa_ == ISA_AVX512)
                parallel_for_(Range(0, jobs), [&p](const Range& r) { convolveRowsAvx512(p, r.start, r.end); });
            else
                parallel_for_(Range(0, jobs), [&p](const Range& r) { convolveRowsAvx2(p, r.start, r.end); });
#else
            CV_UNUSED(jobs);
            CV_Error(Error::StsNotImplemented, "adaptivetext.FastConv3x3: built without the x86 kernels");
#endif
        }
    }

    int64 getFLOPS(const std::vector<dnn::MatShape>& inputs, const std::vector<dnn::MatShape>& outputs) const CV_OVERRIDE
    {
        CV_UNUSED(inputs);
        return 2 * (int64)dnn::total(outputs[0]) * cin_ * 9;
    }

private:
    // Row length of the padded copy: the kernel reads whole tiles plus 2*dil pixels of taps.
    int paddedWidth(int W) const
    {
        const int tile = tileWidthOf(isa_);
        return (W + tile - 1) / tile * tile + 2 * dilation_;
    }

    // Copies one sample [cin][H][W] into the middle of `padded` and zeroes everything around it.
    void fillPadded(const float* src, int H, int W, Mat& padded) const
    {
        const int d = dilation_, Hp = padded.size[1], Wp = padded.size[2];
        float* dst = padded.ptr<float>();
        parallel_for_(Range(0, cin_), [&](const Range& r) {
            for (int c = r.start; c < r.end; ++c)
            {
                float* plane = dst + (size_t)c * Hp * Wp;
                std::memset(plane, 0, sizeof(float) * (size_t)d * Wp);
                std::memset(plane + (size_t)(d + H) * Wp, 0, sizeof(float) * (size_t)(Hp - d - H) * Wp);
                for (int yy = 0; yy < H; ++yy)
                {
                    float* row = plane + (size_t)(yy + d) * Wp;
                    std::memset(row, 0, sizeof(float) * d);
                    std::memcpy(row + d, src + ((size_t)c * H + yy) * W, sizeof(float) * W);
                    std::memset(row + d + W, 0, sizeof(float) * (Wp - d - W));
                }
            }
        });
    }

    Isa isa_ = ISA_NONE;
    int cin_ = 0;
    int cout_ = 0;
    int dilation_ = 1;
    bool relu_ = false;
    std::vector<float> bias_;
    std::vector<float> packed_;
};

bool FastConv3x3Layer::isAvailable()
{
    return chooseIsa() != ISA_NONE;
}

bool FastConv3x3Layer::fits(const dnn::LayerParams& params)
{
    if (params.blobs.empty() || params.blobs.size() > 2)
        return false;  // no constant weights (a second input), or something this layer does not know
    const Mat& w = params.blobs[0];
    if (w.type() != CV_32F || w.dims != 4 || w.size[2] != 3 || w.size[3] != 3 || w.size[0] % kChannelBlock != 0)
        return false;
    if (params.blobs.size() == 2 && (params.blobs[1].type() != CV_32F || (int)params.blobs[1].total() != w.size[0]))
        return false;
    if (params.get<int>("group", 1) != 1 || !params.get<String>("pad_mode", "").empty())
        return false;
    const int d = dilationOf(params);
    return (d == 1 || d == 2) && allEqual(params, "stride", 1, 1) && allEqual(params, "dilation", d, 1) &&
           allEqual(params, "pad", d, 0);
}

Ptr<dnn::Layer> FastConv3x3Layer::create(dnn::LayerParams& params)
{
    if (isAvailable() && fits(params))
        return makePtr<FastConv3x3LayerImpl>(params);
    return dnn::ConvolutionLayer::create(params);
}

}  // namespace adaptivetext
}  // namespace cv
