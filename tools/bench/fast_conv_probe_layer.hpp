// This file is part of OpenCV project.
// It is subject to the license terms in the LICENSE file found in the top-level directory
// of this distribution and at http://opencv.org/license.html.

// For the probes only (tools/bench/direct_conv_probe.cpp, fast_conv_e2e_probe.cpp), not part of the module: a
// cv::dnn layer running 3x3 convolutions with a direct AVX-512 kernel, to be registered over "Convolution" for the
// Nets created while it is registered. doc/opencv_observations.md §11.
//
// It takes 3x3, stride 1, padding = dilation (1 or 2), one group, output channels divisible by 8; anything else
// goes to dnn::ConvolutionLayer::create. NCHW float. Output channels in blocks of 8, two 16-float vectors along x
// per step (16 accumulators: each weight broadcast feeds two FMAs, each input load eight). The input is copied
// once per call into a zero-bordered `internals` blob, which cv::dnn allocates once and keeps: on this VM a fresh
// multi-megabyte block's first touch costs more than the arithmetic (§6). setActivation fuses a plain ReLU.
// Requires AVX-512F (compile with -march=native on such a CPU).
#ifndef ADAPTIVETEXT_FAST_CONV_PROBE_LAYER_HPP
#define ADAPTIVETEXT_FAST_CONV_PROBE_LAYER_HPP
#include <opencv2/dnn.hpp>
#include <opencv2/dnn/all_layers.hpp>
#include <opencv2/dnn/layer.details.hpp>
#include <immintrin.h>
#include <cfloat>

namespace probe {
using namespace cv;

static const int KB = 8;

class FastConv3x3LayerImpl : public dnn::Layer {
public:
    int cin = 0, cout = 0, dil = 1; bool relu = false;
    std::vector<float> wp, bias;
    explicit FastConv3x3LayerImpl(const dnn::LayerParams& p) { setParamsFrom(p); }
    static bool fits(const dnn::LayerParams& p) {
        if (p.blobs.empty() || p.blobs[0].dims != 4 || p.blobs[0].size[2] != 3 || p.blobs[0].size[3] != 3) return false;
        if (p.blobs[0].size[0] % KB != 0 || p.get<int>("group", 1) != 1) return false;
        auto all = [&](const char* k, int v) { if (!p.has(k)) return v == 1 || v == 0; dnn::DictValue d = p.get(k);
            for (int i = 0; i < d.size(); ++i) if (d.get<int>(i) != v) return false; return true; };
        int d = 1; if (p.has("dilation")) d = p.get("dilation").get<int>(0);
        return all("stride", 1) && all("dilation", d) && all("pad", d) && (d == 1 || d == 2);
    }
    static int created, declined;  // how many convolutions took the kernel, and how many went to OpenCV's
    static Ptr<dnn::Layer> create(dnn::LayerParams& p) {
        if (!fits(p)) { ++declined; return dnn::ConvolutionLayer::create(p); }
        ++created;
        Ptr<FastConv3x3LayerImpl> l = makePtr<FastConv3x3LayerImpl>(p);
        const Mat& w = p.blobs[0];
        l->cout = w.size[0]; l->cin = w.size[1];
        l->dil = p.has("dilation") ? p.get("dilation").get<int>(0) : 1;
        l->bias.assign(l->cout, 0.f);
        if (p.blobs.size() > 1) for (int k = 0; k < l->cout; ++k) l->bias[k] = p.blobs[1].ptr<float>()[k];
        l->wp.assign((size_t)l->cout * l->cin * 9, 0.f);
        const float* src = w.ptr<float>();
        for (int k = 0; k < l->cout; ++k) for (int c = 0; c < l->cin; ++c) for (int t = 0; t < 9; ++t)
            l->wp[(((size_t)(k / KB) * l->cin + c) * 9 + t) * KB + k % KB] = src[((size_t)k * l->cin + c) * 9 + t];
        return l;
    }
    bool setActivation(const Ptr<dnn::ActivationLayer>& a) CV_OVERRIDE {
        Ptr<dnn::ReLULayer> r = a.dynamicCast<dnn::ReLULayer>();
        if (r && r->negativeSlope == 0.f) { relu = true; return true; }
        return false;
    }
    bool getMemoryShapes(const std::vector<dnn::MatShape>& in, int, std::vector<dnn::MatShape>& out,
                         std::vector<dnn::MatShape>& internals) const CV_OVERRIDE {
        out.assign(1, dnn::MatShape{in[0][0], cout, in[0][2], in[0][3]});
        const int Wp = (in[0][3] + 31) / 32 * 32 + 2 * dil, Hp = in[0][2] + 2 * dil;
        internals.assign(1, dnn::MatShape{cin, Hp, Wp});
        return false;
    }
    void forward(InputArrayOfArrays ia, OutputArrayOfArrays oa, OutputArrayOfArrays ta) CV_OVERRIDE {
        std::vector<Mat> ins, outs, tmp; ia.getMatVector(ins); oa.getMatVector(outs); ta.getMatVector(tmp);
        const int N = ins[0].size[0], H = ins[0].size[2], W = ins[0].size[3];
        Mat& pad = tmp[0]; const int Hp = pad.size[1], Wp = pad.size[2];
        for (int n = 0; n < N; ++n) {
            const float* in = ins[0].ptr<float>(n); float* out = outs[0].ptr<float>(n);
            pad.setTo(0);
            parallel_for_(Range(0, cin), [&](const Range& r) {
                for (int c = r.start; c < r.end; ++c) for (int y = 0; y < H; ++y)
                    std::copy(in + ((size_t)c * H + y) * W, in + ((size_t)c * H + y + 1) * W,
                              pad.ptr<float>() + ((size_t)c * Hp + y + dil) * Wp + dil);
            });
            const int tail = W % 16; const __mmask16 tm = tail ? (__mmask16)((1u << tail) - 1) : (__mmask16)0xFFFF;
            const int nb = cout / KB, d = dil; const float* P = pad.ptr<float>();
            const __m512 lo = relu ? _mm512_setzero_ps() : _mm512_set1_ps(-FLT_MAX);
            parallel_for_(Range(0, nb * H), [&](const Range& r) {
                for (int job = r.start; job < r.end; ++job) {
                    const int cb = job / H, y = job % H; const float* wb = wp.data() + (size_t)cb * cin * 9 * KB;
                    for (int x0 = 0; x0 < W; x0 += 32) {
                        __m512 a0[KB], a1[KB];
#pragma GCC unroll 8
                        for (int k = 0; k < KB; ++k) a1[k] = a0[k] = _mm512_set1_ps(bias[cb * KB + k]);
                        for (int c = 0; c < cin; ++c) {
                            const float* w9 = wb + (size_t)c * 9 * KB;
                            for (int ky = 0; ky < 3; ++ky) {
                                const float* row = P + ((size_t)c * Hp + y + ky * d) * Wp + x0;
#pragma GCC unroll 3
                                for (int kx = 0; kx < 3; ++kx) {
                                    const __m512 v0 = _mm512_loadu_ps(row + kx * d), v1 = _mm512_loadu_ps(row + kx * d + 16);
                                    const float* wk = w9 + (ky * 3 + kx) * KB;
#pragma GCC unroll 8
                                    for (int k = 0; k < KB; ++k) { const __m512 wv = _mm512_set1_ps(wk[k]);
                                        a0[k] = _mm512_fmadd_ps(v0, wv, a0[k]); a1[k] = _mm512_fmadd_ps(v1, wv, a1[k]); }
                                }
                            }
                        }
                        const __mmask16 m0 = (x0 + 16 <= W) ? (__mmask16)0xFFFF : (x0 < W ? tm : 0);
                        const __mmask16 m1 = (x0 + 32 <= W) ? (__mmask16)0xFFFF : (x0 + 16 < W ? tm : 0);
#pragma GCC unroll 8
                        for (int k = 0; k < KB; ++k) { float* o = out + ((size_t)(cb * KB + k) * H + y) * W + x0;
                            _mm512_mask_storeu_ps(o, m0, _mm512_max_ps(a0[k], lo)); _mm512_mask_storeu_ps(o + 16, m1, _mm512_max_ps(a1[k], lo)); }
                    }
                }
            });
        }
    }
};

int FastConv3x3LayerImpl::created = 0;
int FastConv3x3LayerImpl::declined = 0;

// Nets created between this and unregisterLayer("Convolution") use FastConv3x3LayerImpl where it fits.
inline void overrideConvolution() { dnn::LayerFactory::registerLayer("Convolution", FastConv3x3LayerImpl::create); }
inline void restoreConvolution() { dnn::LayerFactory::unregisterLayer("Convolution"); }
}  // namespace probe
#endif
