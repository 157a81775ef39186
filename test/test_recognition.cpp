// This file is part of OpenCV project.
// It is subject to the license terms in the LICENSE file found in the top-level directory
// of this distribution and at http://opencv.org/license.html.

// Reading curved text: Tesseract (cv::text::OCRTesseract) on rectified strips versus bounding-box crops of
// text bent on an arc, and the samples app's --ocr on data/samples/curved_text.jpg. The cases are skipped,
// with the reason, only where OpenCV has no text module or Tesseract has no English data.
#include "arc_text.hpp"
#include "test_utils.hpp"

#include <opencv2/adaptivetext.hpp>
#include <opencv2/core/utils/filesystem.hpp>
#include <opencv2/imgproc.hpp>
#ifdef ADAPTIVETEXT_WITH_TEXT
#include <opencv2/text.hpp>
#endif

#include <boost/test/unit_test.hpp>

#include <cstdlib>
#include <fstream>
#include <sstream>

namespace {

using namespace adaptivetext_test;
namespace utf = boost::unit_test;

#ifdef ADAPTIVETEXT_WITH_TEXT
/** Tesseract for one text line, English; empty when the language data is missing. */
cv::Ptr<cv::text::OCRTesseract> lineReader()
{
    try
    {
        // "" whitelist: NULL would make OpenCV 4.6 set a whitelist without the space (see samples/text_reading.hpp).
        return cv::text::OCRTesseract::create(NULL, "eng", "", cv::text::OEM_DEFAULT, cv::text::PSM_SINGLE_LINE);
    }
    catch (...)  // OpenCV 4.6 throws an int when Tesseract cannot initialise
    {
        return cv::Ptr<cv::text::OCRTesseract>();
    }
}

std::string readLine(const cv::Mat& gray)
{
    cv::Mat padded;
    cv::copyMakeBorder(gray, padded, 10, 10, 10, 10, cv::BORDER_CONSTANT, cv::Scalar(255));
    std::string out;
    lineReader()->run(padded, out);
    return out;
}
#endif

boost::test_tools::assertion_result haveTesseract(utf::test_unit_id)
{
    boost::test_tools::assertion_result result(false);
#ifdef ADAPTIVETEXT_WITH_TEXT
    if (lineReader())
        return boost::test_tools::assertion_result(true);
    result.message() << "Tesseract cannot load its English data (Debian: apt-get install tesseract-ocr-eng)";
#else
    result.message() << "this OpenCV has no text module (Debian: libopencv-contrib-dev), so no cv::text::OCRTesseract";
#endif
    return result;
}

boost::test_tools::assertion_result haveTesseractAndApp(utf::test_unit_id id)
{
#ifndef ADAPTIVETEXT_SAMPLE_APP
    boost::test_tools::assertion_result result(false);
    result.message() << "the samples app is not built (ADAPTIVETEXT_BUILD_SAMPLES=OFF)";
    return result;
#else
    return haveTesseract(id);
#endif
}

}  // namespace

BOOST_AUTO_TEST_SUITE(recognition)

BOOST_AUTO_TEST_CASE(text_helpers)
{
    BOOST_CHECK_EQUAL(editDistance("kitten", "sitting"), 3);
    BOOST_CHECK_EQUAL(normaliseText("  Hello \n World\f"), "hello world");
    BOOST_CHECK_CLOSE(characterAccuracy("Hel1o", "hello"), 0.8, 1e-9);
    BOOST_CHECK_EQUAL(characterAccuracy("something much longer", "ab"), 0.0);
}

BOOST_AUTO_TEST_CASE(tesseract_reads_the_rectified_arc_not_the_crop, *utf::precondition(haveTesseract))
{
#ifdef ADAPTIVETEXT_WITH_TEXT
    // Half a circle (180 degrees) of English text: its bounding box holds the text at every angle from -90 to
    // 90 degrees, which a line recogniser cannot read; the rectified strip is a straight line again.
    const std::string truth = "the quick brown fox jumps over the lazy dog";
    const cv::Mat straight = renderStraight(truth, 48);
    const ArcText arc = bendOnArc(straight, (straight.cols - 1) / CV_PI, CV_PI, 25);
    cv::Mat strip;
    cv::adaptivetext::rectifyText(arc.image, arc.polygon, strip);
    const std::string fromStrip = readLine(strip);
    const std::string fromCrop = readLine(arc.image(cv::boundingRect(arc.polygon)).clone());
    const double stripAccuracy = characterAccuracy(fromStrip, truth), cropAccuracy = characterAccuracy(fromCrop, truth);
    BOOST_TEST_MESSAGE("rectified strip: \"" << normaliseText(fromStrip) << "\", character accuracy " << stripAccuracy);
    BOOST_TEST_MESSAGE("bounding-box crop: \"" << normaliseText(fromCrop) << "\", character accuracy " << cropAccuracy);
    BOOST_CHECK_GE(stripAccuracy, 0.9);
    BOOST_CHECK_LT(cropAccuracy, stripAccuracy);
#endif
}

BOOST_AUTO_TEST_CASE(samples_app_reads_the_arc_of_the_shipped_image, *utf::precondition(haveTesseractAndApp))
{
#ifdef ADAPTIVETEXT_SAMPLE_APP
    // data/samples/curved_text.txt (the generator's ground truth) has the arc "high coffee digital". The app
    // finds it with the shipped model, rectifies it and Tesseract reads it; the first glyph sits at the
    // polygon's cut end, so the words checked are the two that lie wholly inside it.
    const std::string out = cv::tempfile("ocr");
    const std::string source = ADAPTIVETEXT_SOURCE_DIR;
    const std::string command = std::string("\"") + ADAPTIVETEXT_SAMPLE_APP + "\" --input=\"" + source +
                                "/data/samples/curved_text.jpg\" --model=\"" + source +
                                "/data/models/adaptivetext_default.onnx\" --output=\"" + out + "\" --rectify --ocr";
    BOOST_REQUIRE_EQUAL(std::system(command.c_str()), 0);
    std::ifstream txt(out + "/curved_text.txt");
    BOOST_REQUIRE(txt.good());
    std::string line, arcText;
    int lines = 0;
    size_t mostPoints = 0;
    while (std::getline(txt, line))
    {
        // x1,y1,...,xn,yn,score,text: the arc is the detection with the most vertices.
        std::vector<std::string> fields;
        std::stringstream ss(line);
        for (std::string f; std::getline(ss, f, ',');)
            fields.push_back(f);
        size_t scoreAt = 0;
        while (scoreAt < fields.size() && fields[scoreAt].find('.') == std::string::npos)
            ++scoreAt;
        // The text may be empty (Tesseract reads nothing in a small piece): the line then ends with "score,".
        BOOST_REQUIRE_MESSAGE(scoreAt < fields.size() && (scoreAt + 1 < fields.size() || line.back() == ','),
                              "no text field in: " << line);
        BOOST_CHECK(cv::utils::fs::exists(cv::format("%s/curved_text_%d.png", out.c_str(), lines)));
        size_t textAt = 0;
        for (size_t j = 0; j <= scoreAt; ++j)
            textAt += fields[j].size() + 1;
        const std::string text = line.substr(textAt);
        BOOST_TEST_MESSAGE("detection " << lines << " (" << scoreAt / 2 << " points): " << text);
        if (scoreAt / 2 > mostPoints)
        {
            mostPoints = scoreAt / 2;
            arcText = normaliseText(text);
        }
        ++lines;
    }
    BOOST_REQUIRE_GT(mostPoints, 4u);
    // The ground truth of the arc (data/samples/curved_text.txt) is "high coffee digital". The detected polygon
    // hugs the ink, so a glyph at either end or a descender may be cut: the words are checked as a character
    // accuracy of at least 0.8 (3 wrong characters of 19; a crop of the arc's bounding box reads under 0.25 on
    // the synthetic arcs above), plus the middle word exactly.
    const double accuracy = characterAccuracy(arcText, "high coffee digital");
    BOOST_TEST_MESSAGE("arc read as \"" << arcText << "\", character accuracy " << accuracy);
    BOOST_CHECK_GE(accuracy, 0.8);
    CHECK_HAS(arcText, "coffee");
    cv::utils::fs::remove_all(out);
#endif
}

BOOST_AUTO_TEST_SUITE_END()
