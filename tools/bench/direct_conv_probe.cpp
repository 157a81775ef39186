// This file is part of OpenCV project.
// It is subject to the license terms in the LICENSE file found in the top-level directory
// of this distribution and at http://opencv.org/license.html.

// A probe, not part of the module: how fast can the line model's backbone convolutions run on this CPU with a
// plain direct 3x3 kernel of our own, against cv::dnn 4.6's Convolution layer? (doc/opencv_observations.md §11)
//
//   tools/bench/direct_conv_probe.sh [THREADS]      (builds with g++ -march=native, runs, prints medians)
//
// The stack is the one tools/bench/conv_kernel_probe.py times: VGG16's 13 3x3 convolutions at width 0.125
// (8-64 channels), each followed by ReLU, max-pools after stages 1-3 (feature stride 8), 672x512 input,
// random weights. The same weights go into a cv::dnn::Net built layer by layer, and the two outputs are compared.
// The kernel: NCHW, output channels in blocks of 8, two 16-float AVX-512 vectors along x per step, so each
// weight broadcast feeds two FMAs and each input load eight; the input is copied once per layer into a
// zero-bordered buffer so the inner loop has no border tests. Buffers persist across calls: on this VM the first
// touch of a fresh multi-megabyte block costs more than the arithmetic (doc/opencv_observations.md §6).
// Requires AVX-512F and output channels divisible by 8 (true for every backbone conv of the shipped models).
#include <opencv2/dnn.hpp>
#include <opencv2/core.hpp>
#include <immintrin.h>
#include <chrono>
#include <cstdio>
#include <vector>
#include <algorithm>
using namespace cv;

struct Conv { int cin, cout; std::vector<float> w, b, wp; };  // wp: [block][c][ky][kx][k < KB]
static const int KB = 8;  // output channels per block: 2 x 8 accumulators + 3 vectors fit in 32 registers

static void pack(Conv& cv_) {
    int nb = (cv_.cout + KB - 1) / KB;
    cv_.wp.assign((size_t)nb * cv_.cin * 9 * KB, 0.f);
    for (int k = 0; k < cv_.cout; ++k)
        for (int c = 0; c < cv_.cin; ++c)
            for (int t = 0; t < 9; ++t)
                cv_.wp[(((size_t)(k / KB) * cv_.cin + c) * 9 + t) * KB + k % KB] = cv_.w[((size_t)k * cv_.cin + c) * 9 + t];
}

template <int KN>
static void run(const Conv& L, float* out, int H, int W, const std::vector<float>& pad, int Hp, int Wp, int nb, __mmask16 tailMask) {
    parallel_for_(Range(0, nb * H), [&](const Range& r) {
        for (int job = r.start; job < r.end; ++job) {
            const int cb = job / H, y = job % H;
            const float* wb = L.wp.data() + (size_t)cb * L.cin * 9 * KB;
            for (int x0 = 0; x0 < W; x0 += 32) {
                __m512 a0[KN], a1[KN];
#pragma GCC unroll 16
                for (int k = 0; k < KN; ++k) a1[k] = a0[k] = _mm512_set1_ps(L.b[cb * KB + k]);
                for (int c = 0; c < L.cin; ++c) {
                    const float* w9 = wb + (size_t)c * 9 * KB;
                    for (int ky = 0; ky < 3; ++ky) {
                        const float* row = pad.data() + ((size_t)c * Hp + y + ky) * Wp + x0;
#pragma GCC unroll 3
                        for (int kx = 0; kx < 3; ++kx) {
                            const __m512 v0 = _mm512_loadu_ps(row + kx), v1 = _mm512_loadu_ps(row + kx + 16);
                            const float* wk = w9 + (ky * 3 + kx) * KB;
#pragma GCC unroll 16
                            for (int k = 0; k < KN; ++k) {
                                const __m512 wv = _mm512_set1_ps(wk[k]);
                                a0[k] = _mm512_fmadd_ps(v0, wv, a0[k]);
                                a1[k] = _mm512_fmadd_ps(v1, wv, a1[k]);
                            }
                        }
                    }
                }
                const __mmask16 m0 = (x0 + 16 <= W) ? (__mmask16)0xFFFF : (x0 < W ? tailMask : 0);
                const __mmask16 m1 = (x0 + 32 <= W) ? (__mmask16)0xFFFF : (x0 + 16 < W ? tailMask : 0);
#pragma GCC unroll 16
                for (int k = 0; k < KN; ++k) {
                    float* o = out + ((size_t)(cb * KB + k) * H + y) * W + x0;
                    _mm512_mask_storeu_ps(o, m0, _mm512_max_ps(a0[k], _mm512_setzero_ps()));
                    _mm512_mask_storeu_ps(o + 16, m1, _mm512_max_ps(a1[k], _mm512_setzero_ps()));
                }
            }
        }
    });
}

// in: cin x H x W  -> out: cout x H x W, ReLU applied
static void conv3x3(const Conv& L, const float* in, float* out, int H, int W, std::vector<float>& pad) {
    const int Wt = (W + 31) / 32 * 32, Wp = Wt + 2, Hp = H + 2;
    pad.resize((size_t)L.cin * Hp * Wp);
    std::fill(pad.begin(), pad.end(), 0.f);
    parallel_for_(Range(0, L.cin), [&](const Range& r) {
        for (int c = r.start; c < r.end; ++c)
            for (int y = 0; y < H; ++y)
                std::copy(in + ((size_t)c * H + y) * W, in + ((size_t)c * H + y + 1) * W,
                          pad.data() + ((size_t)c * Hp + y + 1) * Wp + 1);
    });
    const int nb = (L.cout + KB - 1) / KB;
    const int tail = W % 16;
    const __mmask16 tailMask = tail ? (__mmask16)((1u << tail) - 1) : (__mmask16)0xFFFF;
    CV_Assert(L.cout % KB == 0);
    run<KB>(L, out, H, W, pad, Hp, Wp, nb, tailMask);
}

static void maxpool2(const float* in, float* out, int C, int H, int W) {
    const int Ho = H / 2, Wo = W / 2;
    parallel_for_(Range(0, C), [&](const Range& r) {
        for (int c = r.start; c < r.end; ++c)
            for (int y = 0; y < Ho; ++y)
                for (int x = 0; x < Wo; ++x) {
                    const float* p = in + ((size_t)c * H + 2 * y) * W + 2 * x;
                    out[((size_t)c * Ho + y) * Wo + x] = std::max(std::max(p[0], p[1]), std::max(p[W], p[W + 1]));
                }
    });
}

int main(int argc, char** argv) {
    const int W = 672, H = 512, threads = argc > 1 ? atoi(argv[1]) : 2;
    setNumThreads(threads);
    const int stages[5][3] = {{8, 8, 0}, {16, 16, 0}, {32, 32, 32}, {64, 64, 64}, {64, 64, 64}};
    RNG rng(1);
    std::vector<Conv> convs; std::vector<int> poolAfter;
    dnn::Net net; int cin = 3, idx = 0;
    for (int s = 0; s < 5; ++s) {
        for (int j = 0; j < 3 && stages[s][j]; ++j) {
            Conv L; L.cin = cin; L.cout = stages[s][j];
            L.w.resize((size_t)L.cout * L.cin * 9); L.b.resize(L.cout);
            float sc = std::sqrt(2.f / (9 * L.cin));
            for (auto& v : L.w) v = (float)rng.gaussian(sc);
            for (auto& v : L.b) v = (float)rng.gaussian(0.1);
            pack(L);
            dnn::LayerParams p; p.set("kernel_size", 3); p.set("pad", 1); p.set("num_output", L.cout); p.set("bias_term", true);
            int wsz[] = {L.cout, L.cin, 3, 3};
            p.blobs.push_back(Mat(4, wsz, CV_32F, L.w.data()).clone());
            p.blobs.push_back(Mat(1, L.cout, CV_32F, L.b.data()).clone());
            net.addLayerToPrev(format("conv%d", idx), "Convolution", p);
            dnn::LayerParams rp; net.addLayerToPrev(format("relu%d", idx), "ReLU", rp);
            convs.push_back(L); poolAfter.push_back(0); cin = L.cout; ++idx;
        }
        if (s < 3) {
            poolAfter.back() = 1;
            dnn::LayerParams pp; pp.set("pool", "max"); pp.set("kernel_size", 2); pp.set("stride", 2);
            net.addLayerToPrev(format("pool%d", s), "Pooling", pp);
        }
    }
    int isz[] = {1, 3, H, W};
    Mat img(4, isz, CV_32F); randu(img, 0, 255);
    auto ours = [&]() {
        static std::vector<float> a, b, pad;
        a.assign(img.ptr<float>(), img.ptr<float>() + img.total());
        int h = H, w = W;
        for (size_t i = 0; i < convs.size(); ++i) {
            b.resize((size_t)convs[i].cout * h * w);
            auto t0 = std::chrono::steady_clock::now();
            conv3x3(convs[i], a.data(), b.data(), h, w, pad);
            if (getenv("PER_LAYER")) fprintf(stderr, "conv %zu %dx%d %d->%d %.2f ms\n", i, w, h, convs[i].cin, convs[i].cout, std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count());
            std::swap(a, b);
            if (poolAfter[i]) { b.resize((size_t)convs[i].cout * (h / 2) * (w / 2)); maxpool2(a.data(), b.data(), convs[i].cout, h, w); std::swap(a, b); h /= 2; w /= 2; }
        }
        return std::vector<float>(a);
    };
    auto theirs = [&]() { net.setInput(img); return net.forward(); };
    auto med = [](auto f) {
        f(); f(); std::vector<double> t;
        for (int i = 0; i < 15; ++i) { auto s = std::chrono::steady_clock::now(); f(); t.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - s).count()); }
        std::nth_element(t.begin(), t.begin() + 7, t.end()); return t[7];
    };
    Mat ref = theirs(); std::vector<float> mine = ours();
    double maxd = 0, maxr = 0;
    for (size_t i = 0; i < mine.size(); ++i) { maxd = std::max(maxd, (double)std::abs(mine[i] - ref.ptr<float>()[i])); maxr = std::max(maxr, (double)std::abs(ref.ptr<float>()[i])); }
    printf("outputs %zu vs %zu, max |diff| / max = %.2e\n", mine.size(), ref.total(), maxd / maxr);
    for (int r = 0; r < 2; ++r)
        printf("%d threads, medians of 15 after 2 warm-ups: cv::dnn %.1f ms, direct AVX-512 %.1f ms\n", threads, med(theirs), med(ours));
}
