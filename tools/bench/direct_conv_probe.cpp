// This file is part of OpenCV project.
// It is subject to the license terms in the LICENSE file found in the top-level directory
// of this distribution and at http://opencv.org/license.html.

// A probe: how fast does the module's direct 3x3 kernel (cv::adaptivetext::FastConv3x3Layer) run the line model's
// backbone convolutions on this CPU, against cv::dnn 4.6's Convolution layer? (doc/opencv_observations.md §11)
//
//   tools/bench/direct_conv_probe.sh [THREADS]      (builds against build/'s module, runs, prints medians)
//
// The stack is the one tools/bench/conv_kernel_probe.py times: VGG16's 13 3x3 convolutions at width 0.125
// (8-64 channels), each followed by ReLU, max-pools after stages 1-3 (feature stride 8), 672x512 input,
// random weights. The same layers are added to two cv::dnn::Nets, the second while the module's layer is
// registered over "Convolution" (as readModel(path, true) does); their outputs are compared, then each is timed.
// PER_LAYER=1 prints the fast Net's layer times. ADAPTIVETEXT_FAST_CONV_ISA=avx2 times the AVX2 kernel.
#include <opencv2/adaptivetext.hpp>
#include <opencv2/dnn.hpp>
#include <chrono>
#include <cstdio>
using namespace cv;

static dnn::Net vggStack(uint64 seed) {
    const int stages[5][3] = {{8, 8, 0}, {16, 16, 0}, {32, 32, 32}, {64, 64, 64}, {64, 64, 64}};
    RNG rng(seed);
    dnn::Net net;
    int cin = 3, idx = 0;
    for (int s = 0; s < 5; ++s) {
        for (int j = 0; j < 3 && stages[s][j]; ++j, ++idx) {
            const int cout = stages[s][j];
            const int wsz[] = {cout, cin, 3, 3};
            Mat w(4, wsz, CV_32F), b(1, cout, CV_32F);
            rng.fill(w, RNG::NORMAL, 0, std::sqrt(2.0 / (9 * cin)));
            rng.fill(b, RNG::NORMAL, 0, 0.1);
            dnn::LayerParams p;
            p.set("kernel_size", 3); p.set("pad", 1); p.set("num_output", cout); p.set("bias_term", true);
            p.blobs = {w, b};
            net.addLayerToPrev(format("conv%d", idx), "Convolution", p);
            dnn::LayerParams relu;
            net.addLayerToPrev(format("relu%d", idx), "ReLU", relu);
            cin = cout;
        }
        if (s < 3) {
            dnn::LayerParams pool;
            pool.set("pool", "max"); pool.set("kernel_size", 2); pool.set("stride", 2);
            net.addLayerToPrev(format("pool%d", s), "Pooling", pool);
        }
    }
    return net;
}

int main(int argc, char** argv) {
    const int threads = argc > 1 ? atoi(argv[1]) : 2;
    setNumThreads(threads);
    const int isz[] = {1, 3, 512, 672};
    Mat img(4, isz, CV_32F);
    randu(img, 0, 255);
    auto run = [&](dnn::Net& net) { net.setInput(img); return net.forward(); };
    // A Net built layer by layer instantiates its layers at its first forward: each Net's runs under its factory.
    dnn::Net opencv = vggStack(1);
    const Mat ref = run(opencv).clone();
    CV_Assert(adaptivetext::FastConv3x3Layer::isAvailable() && "this CPU runs neither kernel (AVX-512F, AVX2 + FMA)");
    dnn::LayerFactory::registerLayer("Convolution", &adaptivetext::FastConv3x3Layer::create);
    dnn::Net fast = vggStack(1);
    const Mat mine = run(fast).clone();
    dnn::LayerFactory::unregisterLayer("Convolution");
    int kernel = 0, opencvConvs = 0;
    for (const String& name : fast.getLayerNames())
        if (name.rfind("conv", 0) == 0)
            ++(fast.getLayer(name).dynamicCast<adaptivetext::FastConv3x3Layer>() ? kernel : opencvConvs);
    printf("fast kernel in %d convolutions, OpenCV's in %d; outputs %zu vs %zu, max |diff| / max = %.2e\n",
           kernel, opencvConvs, mine.total(), ref.total(), norm(mine, ref, NORM_INF) / norm(ref, NORM_INF));
    auto median = [&](dnn::Net& net) {
        run(net); run(net);
        std::vector<double> t;
        for (int i = 0; i < 15; ++i) {
            const auto s = std::chrono::steady_clock::now();
            run(net);
            t.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - s).count());
        }
        std::nth_element(t.begin(), t.begin() + 7, t.end());
        return t[7];
    };
    for (int r = 0; r < 2; ++r)
        printf("%d threads, medians of 15 after 2 warm-ups: cv::dnn %.1f ms, FastConv3x3Layer %.1f ms\n", threads,
               median(opencv), median(fast));
    if (getenv("PER_LAYER")) {
        std::vector<double> ticks;
        fast.getPerfProfile(ticks);
        const std::vector<String> names = fast.getLayerNames();
        for (size_t i = 0; i < names.size() && i < ticks.size(); ++i)
            printf("  %-8s %.2f ms\n", names[i].c_str(), 1000.0 * ticks[i] / getTickFrequency());
    }
}
