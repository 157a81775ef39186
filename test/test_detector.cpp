// This file is part of OpenCV project.
// It is subject to the license terms in the LICENSE file found in the top-level directory
// of this distribution and at http://opencv.org/license.html.

// cv::AdaptiveTextDetector on the tiny complete detector of tools/testdata/gen_tiny_detector.py, whose expected
// polygons come from a NumPy/PyTorch implementation of doc/model_format.md: polygons and scores, vertex
// order, clipping, scaling to the frame, size policies, channel counts, setters, rectangles, threads.
#include "test_utils.hpp"

#include <opencv2/adaptivetext.hpp>
#include <opencv2/core/utils/filesystem.hpp>
#include <opencv2/imgproc.hpp>

#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <thread>

namespace {

using namespace adaptivetext_test;

typedef std::vector<std::vector<cv::Point> > Polygons;

const cv::Size kNetSize(64, 48);  // the size the reference was computed at

std::string modelPath() { return dataPath("tiny_detector.onnx"); }

/** The generator's 48x64 BGR test image. */
cv::Mat testImage()
{
    const cv::Mat npy = readNpy(dataPath("tiny_detector.image.npy"));
    BOOST_REQUIRE_EQUAL(npy.total(), (size_t)(kNetSize.area() * 3));
    cv::Mat img;
    cv::Mat(kNetSize.height, kNetSize.width, CV_32FC3, const_cast<float*>(npy.ptr<float>())).convertTo(img, CV_8U);
    return img;
}

/** Every pixel repeated 2x2: INTER_AREA halves it back to exactly testImage(). */
cv::Mat doubledImage()
{
    cv::Mat big;
    cv::resize(testImage(), big, cv::Size(), 2, 2, cv::INTER_NEAREST);
    return big;
}

struct Expected
{
    std::vector<std::vector<cv::Point2f> > polygons;
    std::vector<float> scores;
};

/** The generator's polygons for a frame of the network size (scale "s1") or twice it ("s2"). */
Expected expected(const std::string& scale)
{
    const cv::Mat polys = readNpy(dataPath("tiny_detector.polys_" + scale + ".npy"));
    const cv::Mat counts = readNpy(dataPath("tiny_detector.counts.npy"));
    const cv::Mat scores = readNpy(dataPath("tiny_detector.scores.npy"));
    Expected e;
    const int m = (int)counts.total(), stride = polys.size[1];
    for (int i = 0; i < m; ++i)
    {
        std::vector<cv::Point2f> p;
        for (int v = 0; v < (int)counts.ptr<float>()[i]; ++v)
            p.push_back(cv::Point2f(polys.ptr<float>()[(i * stride + v) * 2], polys.ptr<float>()[(i * stride + v) * 2 + 1]));
        e.polygons.push_back(p);
        e.scores.push_back(scores.ptr<float>()[i]);
    }
    return e;
}

/** Detections equal the reference: same count and order, same vertex counts, vertices within rounding
 *  (1 px), scores within 1e-4. */
void checkMatches(const Polygons& got, const std::vector<float>& scores, const Expected& e)
{
    BOOST_REQUIRE_EQUAL(got.size(), e.polygons.size());
    BOOST_REQUIRE_EQUAL(scores.size(), e.scores.size());
    for (size_t i = 0; i < got.size(); ++i)
    {
        BOOST_CHECK_CLOSE_FRACTION(scores[i], e.scores[i], 1e-4);
        BOOST_REQUIRE_EQUAL(got[i].size(), e.polygons[i].size());
        for (size_t v = 0; v < got[i].size(); ++v)
        {
            const cv::Point2f d = cv::Point2f(got[i][v]) - e.polygons[i][v];
            BOOST_CHECK_MESSAGE(std::abs(d.x) <= 1.f && std::abs(d.y) <= 1.f,
                                "polygon " << i << " vertex " << v << ": got " << got[i][v] << ", expected "
                                           << e.polygons[i][v]);
        }
    }
}

cv::Ptr<cv::AdaptiveTextDetector> tinyDetector()
{
    return cv::AdaptiveTextDetector::create(modelPath(), kNetSize, 0.5f, 0.3f);
}

/** Shoelace area in image coordinates (y down): positive = clockwise on screen. */
double signedArea(const std::vector<cv::Point>& p)
{
    double a = 0;
    for (size_t i = 0; i < p.size(); ++i)
    {
        const cv::Point& q = p[(i + 1) % p.size()];
        a += (double)p[i].x * q.y - (double)q.x * p[i].y;
    }
    return a / 2;
}

bool samePolygons(const Polygons& a, const Polygons& b) { return a == b; }

}  // namespace

BOOST_AUTO_TEST_SUITE(detector)

BOOST_AUTO_TEST_CASE(polygons_match_numpy_reference_at_network_size)
{
    Polygons polys;
    std::vector<float> scores;
    tinyDetector()->detect(testImage(), polys, scores);
    checkMatches(polys, scores, expected("s1"));
}

BOOST_AUTO_TEST_CASE(polygons_are_scaled_to_original_pixels)
{
    // 128x96 frame, fixed 64x48 network input: the reference maps the same network output by x2.
    Polygons polys;
    std::vector<float> scores;
    tinyDetector()->detect(doubledImage(), polys, scores);
    checkMatches(polys, scores, expected("s2"));
}

BOOST_AUTO_TEST_CASE(keep_aspect_policies_choose_the_reference_size)
{
    auto det = tinyDetector();
    det->setSmallTextPass(0, 32.f);  // the reference is one pass (the defaults add a second under these policies)
    Polygons polys;
    std::vector<float> scores;
    det->setInputSizePolicy(cv::AdaptiveTextDetector::INPUT_SIZE_LONG_SIDE, 64);  // 128x96 -> 64x48
    det->detect(doubledImage(), polys, scores);
    checkMatches(polys, scores, expected("s2"));
    det->setInputSizePolicy(cv::AdaptiveTextDetector::INPUT_SIZE_SHORT_SIDE, 48);  // 128x96 -> 64x48
    det->detect(doubledImage(), polys, scores);
    checkMatches(polys, scores, expected("s2"));
}

BOOST_AUTO_TEST_CASE(vertex_order_is_top_boundary_then_bottom_back)
{
    Polygons polys;
    tinyDetector()->detect(testImage(), polys);
    BOOST_REQUIRE(!polys.empty());
    for (const std::vector<cv::Point>& p : polys)
    {
        BOOST_REQUIRE_EQUAL(p.size() % 2, 0u);
        const size_t n = p.size() / 2;
        for (size_t i = 0; i < n; ++i)
        {
            // top point i pairs with bottom point i, which is listed at 2n-1-i; the tiny model's text
            // reads left to right, so tops run rightwards and sit above their bottoms
            BOOST_CHECK_LT(p[i].y, p[2 * n - 1 - i].y);
            if (i + 1 < n)
                BOOST_CHECK_LT(p[i].x, p[i + 1].x);
        }
        BOOST_CHECK_GT(signedArea(p), 0.0);  // clockwise in image coordinates
    }
}

BOOST_AUTO_TEST_CASE(vertices_are_clipped_to_the_frame)
{
    const cv::Mat img = testImage();
    Polygons polys;
    tinyDetector()->detect(img, polys);
    bool touchesBorder = false;
    for (const std::vector<cv::Point>& p : polys)
        for (const cv::Point& v : p)
        {
            BOOST_CHECK(v.x >= 0 && v.y >= 0 && v.x < img.cols && v.y < img.rows);
            touchesBorder |= v.x == 0 || v.y == 0 || v.x == img.cols - 1 || v.y == img.rows - 1;
        }
    // the reference has bottoms below the image (v_bottom > 1), so clipping must have happened
    BOOST_CHECK(touchesBorder);
}

BOOST_AUTO_TEST_CASE(gray_bgr_and_bgra_frames_give_the_same_result)
{
    auto det = tinyDetector();
    const cv::Mat bgr = testImage();
    cv::Mat gray, grayBgr, bgra;
    cv::cvtColor(bgr, gray, cv::COLOR_BGR2GRAY);
    cv::cvtColor(gray, grayBgr, cv::COLOR_GRAY2BGR);
    cv::cvtColor(bgr, bgra, cv::COLOR_BGR2BGRA);
    Polygons a, b;
    std::vector<float> sa, sb;
    det->detect(gray, a, sa);
    det->detect(grayBgr, b, sb);
    BOOST_CHECK(samePolygons(a, b));
    BOOST_CHECK(sa == sb);
    det->detect(bgra, a, sa);
    checkMatches(a, sa, expected("s1"));
}

BOOST_AUTO_TEST_CASE(setters_and_getters)
{
    auto det = cv::AdaptiveTextDetector::create(modelPath());
    BOOST_CHECK_EQUAL(det->getInputSizePolicy(), (int)cv::AdaptiveTextDetector::INPUT_SIZE_LONG_SIDE);
    // the test model carries no settings: the generic ones (doc/detector.md, "Model settings")
    BOOST_CHECK_EQUAL(det->getSideLength(), 512);
    BOOST_CHECK_EQUAL(det->getSmallTextSideLength(), 0);
    BOOST_CHECK(det->getVerifier().empty());
    BOOST_CHECK(det->getInputSize() == cv::Size());
    BOOST_CHECK_CLOSE(det->getScoreThreshold(), 0.7f, 1e-4);
    BOOST_CHECK_CLOSE(det->getNMSThreshold(), 0.1f, 1e-4);

    det->setInputSize(cv::Size(70, 50));  // rounded to the nearest multiples of 16
    BOOST_CHECK(det->getInputSize() == cv::Size(64, 48));
    BOOST_CHECK_EQUAL(det->getInputSizePolicy(), (int)cv::AdaptiveTextDetector::INPUT_SIZE_FIXED);
    det->setInputSizePolicy(cv::AdaptiveTextDetector::INPUT_SIZE_SHORT_SIDE, 100);
    BOOST_CHECK_EQUAL(det->getSideLength(), 96);
    BOOST_CHECK_EQUAL(det->getInputSizePolicy(), (int)cv::AdaptiveTextDetector::INPUT_SIZE_SHORT_SIDE);
    BOOST_CHECK(det->getInputSize() == cv::Size());
    det->setInputSize(cv::Size());
    BOOST_CHECK_EQUAL(det->getInputSizePolicy(), (int)cv::AdaptiveTextDetector::INPUT_SIZE_LONG_SIDE);
    BOOST_CHECK_THROW(det->setInputSizePolicy(cv::AdaptiveTextDetector::INPUT_SIZE_FIXED, 64), cv::Exception);
    BOOST_CHECK_THROW(det->setInputSizePolicy(7, 64), cv::Exception);
    BOOST_CHECK_THROW(det->setInputSizePolicy(cv::AdaptiveTextDetector::INPUT_SIZE_LONG_SIDE, 0), cv::Exception);
    BOOST_CHECK_THROW(det->setInputSize(cv::Size(-16, 16)), cv::Exception);
    det->setScoreThreshold(0.6f);
    BOOST_CHECK_CLOSE(det->getScoreThreshold(), 0.6f, 1e-4);
    det->setNMSThreshold(0.45f);
    BOOST_CHECK_CLOSE(det->getNMSThreshold(), 0.45f, 1e-4);
}

BOOST_AUTO_TEST_CASE(score_threshold_overrides_the_models_decoder_threshold)
{
    // The model's decoder skips RoIs below 0.9; the reference keeps scores 0.56 and 0.88 at 0.5, which
    // only come out if the detector lowered the layer's threshold.
    const Expected e = expected("s1");
    BOOST_REQUIRE(*std::min_element(e.scores.begin(), e.scores.end()) < 0.9f);
    auto det = tinyDetector();
    Polygons polys;
    std::vector<float> scores;
    det->detect(testImage(), polys, scores);
    BOOST_CHECK_EQUAL(polys.size(), e.polygons.size());

    // Raising it keeps exactly the reference detections above it: a polygon kept at 0.5 loses no
    // competitor, and one suppressed at 0.5 was suppressed by a higher-scored one that stays.
    det->setScoreThreshold(0.9f);
    det->detect(testImage(), polys, scores);
    size_t above = 0;
    for (float s : e.scores)
        above += s >= 0.9f;
    BOOST_CHECK_EQUAL(polys.size(), above);
    for (float s : scores)
        BOOST_CHECK_GE(s, 0.9f);
}

BOOST_AUTO_TEST_CASE(nms_threshold_one_keeps_overlapping_polygons)
{
    // The reference suppresses at least one polygon at 0.3; IoU never exceeds 1, so nothing is dropped.
    auto det = tinyDetector();
    det->setNMSThreshold(1.0f);
    Polygons polys;
    std::vector<float> scores;
    det->detect(testImage(), polys, scores);
    BOOST_CHECK_GT(polys.size(), expected("s1").polygons.size());
    BOOST_CHECK(std::is_sorted(scores.rbegin(), scores.rend()));  // descending
}

BOOST_AUTO_TEST_CASE(rectangles_are_min_area_rects_of_the_polygons)
{
    const Expected e = expected("s1");
    std::vector<cv::RotatedRect> rects;
    std::vector<float> scores;
    tinyDetector()->detectTextRectangles(testImage(), rects, scores);
    BOOST_REQUIRE_EQUAL(rects.size(), e.polygons.size());
    for (size_t i = 0; i < rects.size(); ++i)
    {
        const cv::RotatedRect ref = cv::minAreaRect(e.polygons[i]);
        BOOST_CHECK_CLOSE_FRACTION(scores[i], e.scores[i], 1e-4);
        BOOST_CHECK_SMALL(cv::norm(rects[i].center - ref.center), 1e-2);
        BOOST_CHECK_SMALL((double)std::abs(rects[i].size.area() - ref.size.area()), 1e-2 * ref.size.area() + 1e-2);
    }
    std::vector<cv::RotatedRect> rects2;
    tinyDetector()->detectTextRectangles(testImage(), rects2);
    BOOST_CHECK_EQUAL(rects2.size(), rects.size());
}

BOOST_AUTO_TEST_CASE(cpu_backend_and_cuda_backend_are_accepted)
{
    // Debian's OpenCV has no CUDA: dnn falls back to the CPU; with CUDA the custom layers run on the CPU.
    for (int backend : { (int)cv::dnn::DNN_BACKEND_OPENCV, (int)cv::dnn::DNN_BACKEND_CUDA })
    {
        const int target = backend == cv::dnn::DNN_BACKEND_CUDA ? cv::dnn::DNN_TARGET_CUDA : cv::dnn::DNN_TARGET_CPU;
        auto det = cv::AdaptiveTextDetector::create(modelPath(), kNetSize, 0.5f, 0.3f, backend, target);
        Polygons polys;
        std::vector<float> scores;
        det->detect(testImage(), polys, scores);
        checkMatches(polys, scores, expected("s1"));
        det->setPreferableBackend(cv::dnn::DNN_BACKEND_OPENCV);
        det->setPreferableTarget(cv::dnn::DNN_TARGET_CPU);
        det->detect(testImage(), polys, scores);
        checkMatches(polys, scores, expected("s1"));
    }
}

BOOST_AUTO_TEST_CASE(concurrent_detect_calls_match_sequential_ones)
{
    // The header promises that detect() may be called from several threads on one instance.
    auto det = tinyDetector();
    det->setInputSizePolicy(cv::AdaptiveTextDetector::INPUT_SIZE_LONG_SIDE, 64);
    const std::vector<cv::Mat> frames = { testImage(), doubledImage(), testImage()(cv::Rect(0, 0, 32, 48)).clone() };  // the crop runs at 48x64
    std::vector<Polygons> sequential(frames.size());
    std::vector<std::vector<float> > sequentialScores(frames.size());
    for (size_t f = 0; f < frames.size(); ++f)
        det->detect(frames[f], sequential[f], sequentialScores[f]);
    BOOST_REQUIRE(!sequential[0].empty());

    const int kThreads = 4, kRounds = 6;
    std::vector<int> mismatches(kThreads, 0), errors(kThreads, 0);
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t)
        threads.emplace_back([&, t] {
            for (int r = 0; r < kRounds; ++r)
            {
                const size_t f = (size_t)(t + r) % frames.size();
                Polygons polys;
                std::vector<float> scores;
                try
                {
                    det->detect(frames[f], polys, scores);
                }
                catch (const cv::Exception&)
                {
                    ++errors[t];
                    continue;
                }
                mismatches[t] += !(polys == sequential[f] && scores == sequentialScores[f]);
            }
        });
    for (std::thread& th : threads)
        th.join();
    for (int t = 0; t < kThreads; ++t)
    {
        BOOST_CHECK_EQUAL(errors[t], 0);
        BOOST_CHECK_EQUAL(mismatches[t], 0);
    }
}

// Copies the test model into a temporary folder under `fileName` and points ADAPTIVETEXT_MODEL_DIR at it,
// for the lifetime of the object; the variable's previous value comes back afterwards.
struct ScopedModelDir
{
    std::string dir, saved;
    bool hadOld;
    explicit ScopedModelDir(const std::string& fileName) : dir(cv::tempfile("_models"))
    {
        BOOST_REQUIRE(cv::utils::fs::createDirectory(dir));
        {
            std::ifstream src(modelPath(), std::ios::binary);
            std::ofstream dst(dir + "/" + fileName, std::ios::binary);
            dst << src.rdbuf();
        }
        const char* old = std::getenv("ADAPTIVETEXT_MODEL_DIR");
        hadOld = old != nullptr;
        saved = old ? old : "";
        setenv("ADAPTIVETEXT_MODEL_DIR", dir.c_str(), 1);
    }
    ~ScopedModelDir()
    {
        if (hadOld)
            setenv("ADAPTIVETEXT_MODEL_DIR", saved.c_str(), 1);
        else
            unsetenv("ADAPTIVETEXT_MODEL_DIR");
        cv::utils::fs::remove_all(dir);
    }
};

BOOST_AUTO_TEST_CASE(empty_model_path_finds_the_default_model_through_the_environment)
{
    Polygons polys;
    std::vector<float> scores;
    {
        ScopedModelDir models("adaptivetext_default.onnx");
        cv::Ptr<cv::AdaptiveTextDetector> d = cv::AdaptiveTextDetector::create("", kNetSize, 0.5f, 0.3f);
        // Under the shipped line model's name, the test model still runs as its own settings say (it has none:
        // no verifier); the reference is the test network's own output.
        BOOST_CHECK(d->getVerifier().empty());
        BOOST_CHECK_NO_THROW(d->detect(testImage(), polys, scores));
    }
    checkMatches(polys, scores, expected("s1"));
}

// "lines" and "words" name the shipped models; ADAPTIVETEXT_MODEL_DIR is searched first, so a folder holding
// only the test model under the word model's file name shows which file each name loads.
BOOST_AUTO_TEST_CASE(shipped_model_names_resolve_to_their_files)
{
    Polygons polys;
    std::vector<float> scores;
    {
        ScopedModelDir models("adaptivetext_words.onnx");
        BOOST_CHECK_NO_THROW(cv::AdaptiveTextDetector::create("words", kNetSize, 0.5f, 0.3f)->detect(testImage(), polys, scores));
        // the file name decides nothing: the test model under the word model's name runs with its own (generic)
        // settings, by alias and by path alike (test_model_settings.cpp: a renamed shipped model keeps its own)
        BOOST_CHECK_EQUAL(cv::AdaptiveTextDetector::create("words")->getSideLength(), 512);
        cv::Ptr<cv::AdaptiveTextDetector> byPath =
            cv::AdaptiveTextDetector::create(models.dir + "/adaptivetext_words.onnx");
        BOOST_CHECK_EQUAL(byPath->getSideLength(), 512);
        BOOST_CHECK_EQUAL(byPath->getSmallTextSideLength(), 0);
        // a name that is not a shipped model is a path: it does not exist, and the error says so
        BOOST_CHECK_THROW(cv::AdaptiveTextDetector::create("wordz"), cv::Exception);
        // findModel names the file create() loads: the folder searched first, then any path unchanged
        BOOST_CHECK_EQUAL(cv::AdaptiveTextDetector::findModel("words"), models.dir + "/adaptivetext_words.onnx");
        BOOST_CHECK_EQUAL(cv::AdaptiveTextDetector::findModel("wordz"), "wordz");
        BOOST_CHECK_EQUAL(cv::AdaptiveTextDetector::findModel("/a/b.onnx"), "/a/b.onnx");
    }
    {
        ScopedModelDir models("adaptivetext_default.onnx");
        BOOST_CHECK_EQUAL(cv::AdaptiveTextDetector::findModel(""), models.dir + "/adaptivetext_default.onnx");
        BOOST_CHECK_EQUAL(cv::AdaptiveTextDetector::findModel("lines"), models.dir + "/adaptivetext_default.onnx");
    }
    checkMatches(polys, scores, expected("s1"));
}

// The source tree's data/models/ is always searched, so this can only run where the model is not shipped
// there; otherwise Boost.Test reports it as skipped with the precondition's reason.
boost::test_tools::assertion_result defaultModelNotInSourceTree(boost::unit_test::test_unit_id)
{
    boost::test_tools::assertion_result r(
        !cv::utils::fs::exists(std::string(ADAPTIVETEXT_SOURCE_DIR) + "/data/models/adaptivetext_default.onnx"));
    r.message() << "the trained model is shipped in data/models/, so the default model cannot be missing";
    return r;
}

BOOST_AUTO_TEST_CASE(missing_default_model_gives_a_message_naming_the_places_searched,
                     *boost::unit_test::precondition(defaultModelNotInSourceTree))
{
    const char* old = std::getenv("ADAPTIVETEXT_MODEL_DIR");
    const std::string saved = old ? old : "";
    setenv("ADAPTIVETEXT_MODEL_DIR", "/nonexistent/adaptivetext/models", 1);
    std::string msg;
    try
    {
        cv::AdaptiveTextDetector::create("");
    }
    catch (const cv::Exception& e)
    {
        msg = e.what();
    }
    if (old)
        setenv("ADAPTIVETEXT_MODEL_DIR", saved.c_str(), 1);
    else
        unsetenv("ADAPTIVETEXT_MODEL_DIR");
    BOOST_CHECK(msg.find("adaptivetext_default.onnx") != std::string::npos);
    BOOST_CHECK(msg.find("/nonexistent/adaptivetext/models") != std::string::npos);
    BOOST_CHECK(msg.find("ADAPTIVETEXT_MODEL_DIR") != std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()
