// This file is part of OpenCV project.
// It is subject to the license terms in the LICENSE file found in the top-level directory
// of this distribution and at http://opencv.org/license.html.

// A probe, not part of the module: the shipped line model's detect() with cv::dnn 4.6's Convolution replaced, in
// this process only, by a direct AVX-512 3x3 kernel (tools/bench/direct_conv_probe.cpp's, plus dilation and a
// fused ReLU) wherever it fits, against the detector as shipped: same model, same image, same thread count.
//
//   tools/bench/fast_conv_e2e_probe.sh IMAGE        (builds against build/'s module; BUILD=... for another)
//
// How: LayerFactory::registerLayer("Convolution", ...) before creating the second detector (readNetFromONNX
// instantiates the layers while importing), unregisterLayer right after, so the first detector keeps OpenCV's
// layer. The factory falls back to dnn::ConvolutionLayer::create for anything but 3x3, stride 1, padding =
// dilation (1 or 2), one group, output channels divisible by 8. It prints both detectors' detections and their
// largest score difference, then 4 blocks of 10 detect() calls each (after 2 warm-ups), median per block.
// Requires AVX-512F. The product does not do this yet (doc/opencv_observations.md §11).
#include <opencv2/adaptivetext.hpp>
#include <opencv2/dnn.hpp>
#include <opencv2/dnn/all_layers.hpp>
#include <opencv2/dnn/layer.details.hpp>
#include <opencv2/imgcodecs.hpp>
#include <immintrin.h>
#include <chrono>
#include <cstdio>
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
    static Ptr<dnn::Layer> create(dnn::LayerParams& p) {
        if (!fits(p)) return dnn::ConvolutionLayer::create(p);
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

int main(int argc, char** argv) {
    setNumThreads(2);
    Mat img = imread(argc > 1 ? argv[1] : "data/samples/curved_text.jpg");
    CV_Assert(!img.empty() && "cannot read the image");
    Ptr<AdaptiveTextDetector> shipped = AdaptiveTextDetector::create("data/models/adaptivetext_default.onnx");
    std::vector<std::vector<Point>> p0, p1; std::vector<float> c0, c1;
    shipped->detect(img, p0, c0);
    dnn::LayerFactory::registerLayer("Convolution", FastConv3x3LayerImpl::create);
    Ptr<AdaptiveTextDetector> fast = AdaptiveTextDetector::create("data/models/adaptivetext_default.onnx");
    fast->detect(img, p1, c1);
    dnn::LayerFactory::unregisterLayer("Convolution");
    printf("detections %zu vs %zu;", p0.size(), p1.size());
    double md = 0; for (size_t i = 0; i < std::min(c0.size(), c1.size()); ++i) md = std::max(md, (double)std::abs(c0[i] - c1[i]));
    int pd = 0; for (size_t i = 0; i < std::min(p0.size(), p1.size()); ++i) if (p0[i] != p1[i]) ++pd;
    printf(" max |score diff| %.2e, polygons differing %d\n", md, pd);
    auto med = [&](Ptr<AdaptiveTextDetector>& d) { std::vector<double> t; std::vector<std::vector<Point>> p; std::vector<float> c;
        for (int i = 0; i < 12; ++i) { auto s = std::chrono::steady_clock::now(); d->detect(img, p, c);
            if (i >= 2) t.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - s).count()); }
        std::nth_element(t.begin(), t.begin() + 5, t.end()); return t[5]; };
    for (int b = 0; b < 4; ++b) { double a = med(shipped), f = med(fast); printf("block %d (2 threads): shipped %.1f ms, fast convs %.1f ms, ratio %.3f\n", b, a, f, f / a); }
}
