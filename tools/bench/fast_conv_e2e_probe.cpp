// This file is part of OpenCV project.
// It is subject to the license terms in the LICENSE file found in the top-level directory
// of this distribution and at http://opencv.org/license.html.

// A probe, not part of the module: the shipped line model's detect() with cv::dnn 4.6's Convolution replaced, in
// this process only, by a direct AVX-512 3x3 kernel (tools/bench/fast_conv_probe_layer.hpp) wherever it
// fits, against the detector as shipped: same model, same image, same thread count.
//
//   tools/bench/fast_conv_e2e_probe.sh IMAGE        (builds against build/'s module; BUILD=... for another)
//
// How: LayerFactory::registerLayer("Convolution", ...) before creating the second detector (readNetFromONNX
// instantiates the layers while importing), unregisterLayer right after, so the first detector keeps OpenCV's
// layer. It prints how many convolutions took the kernel, both detectors' detections and their
// largest score difference, then 4 blocks of 10 detect() calls each (after 2 warm-ups), median per block.
// Requires AVX-512F. The product does not do this yet (doc/opencv_observations.md §11).
#include "fast_conv_probe_layer.hpp"
#include <opencv2/adaptivetext.hpp>
#include <opencv2/imgcodecs.hpp>
#include <chrono>
#include <cstdio>
using namespace cv;
using probe::FastConv3x3LayerImpl;

int main(int argc, char** argv) {
    setNumThreads(2);
    Mat img = imread(argc > 1 ? argv[1] : "data/samples/curved_text.jpg");
    CV_Assert(!img.empty() && "cannot read the image");
    Ptr<AdaptiveTextDetector> shipped = AdaptiveTextDetector::create("data/models/adaptivetext_default.onnx");
    std::vector<std::vector<Point>> p0, p1; std::vector<float> c0, c1;
    shipped->detect(img, p0, c0);
    probe::overrideConvolution();
    Ptr<AdaptiveTextDetector> fast = AdaptiveTextDetector::create("data/models/adaptivetext_default.onnx");
    fast->detect(img, p1, c1);
    probe::restoreConvolution();
    printf("fast kernel in %d convolutions, OpenCV's in %d; detections %zu vs %zu;", FastConv3x3LayerImpl::created,
           FastConv3x3LayerImpl::declined, p0.size(), p1.size());
    double md = 0; for (size_t i = 0; i < std::min(c0.size(), c1.size()); ++i) md = std::max(md, (double)std::abs(c0[i] - c1[i]));
    int pd = 0; for (size_t i = 0; i < std::min(p0.size(), p1.size()); ++i) if (p0[i] != p1[i]) ++pd;
    printf(" max |score diff| %.2e, polygons differing %d\n", md, pd);
    auto med = [&](Ptr<AdaptiveTextDetector>& d) { std::vector<double> t; std::vector<std::vector<Point>> p; std::vector<float> c;
        for (int i = 0; i < 12; ++i) { auto s = std::chrono::steady_clock::now(); d->detect(img, p, c);
            if (i >= 2) t.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - s).count()); }
        std::nth_element(t.begin(), t.begin() + 5, t.end()); return t[5]; };
    for (int b = 0; b < 4; ++b) { double a = med(shipped), f = med(fast); printf("block %d (2 threads): shipped %.1f ms, fast convs %.1f ms, ratio %.3f\n", b, a, f, f / a); }
}
