// This file is part of OpenCV project.
// It is subject to the license terms in the LICENSE file found in the top-level directory
// of this distribution and at http://opencv.org/license.html.

// cv::adaptivetext::TextReader: CTC greedy decoding on hand-made probabilities, missing and corrupt recogniser
// files, and, with the recogniser installed (tools/install_recognizer.sh), known strips read correctly: English
// drawn by cv::putText, Chinese rows and columns and a line longer than the widest input
// (test/data/text_strips, tools/testdata/gen_text_strips.py), and empty, tiny and random strips. The cases that
// need the recogniser are skipped, with the reason, when it is not installed.
#include "arc_text.hpp"
#include "strip_reader.hpp"
#include "test_utils.hpp"

#include <opencv2/adaptivetext.hpp>
#include <opencv2/adaptivetext/evaluation.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include <boost/test/unit_test.hpp>

#include <opencv2/core/utils/filesystem.hpp>

#include <sys/wait.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <memory>
#include <sstream>

namespace {

using namespace adaptivetext_test;
using cv::adaptivetext::TextReader;
namespace utf = boost::unit_test;

const std::vector<cv::String> kAbc = {"a", "b", "c"};

/** T x 4 probabilities (blank, a, b, c) whose most probable class per step is `classes[t]`. */
cv::Mat probabilities(const std::vector<int>& classes)
{
    cv::Mat p((int)classes.size(), 4, CV_32F, cv::Scalar(0.1f));
    for (int t = 0; t < p.rows; ++t)
        p.at<float>(t, classes[t]) = 0.7f;
    return p;
}

boost::test_tools::assertion_result haveRecognizer(utf::test_unit_id)
{
    const std::string dir = TextReader::defaultDir();
    std::ifstream f(dir + "/ppocrv4_rec_w320.onnx");
    if (f.good())
        return true;
    boost::test_tools::assertion_result result(false);
    result.message() << "the recogniser is not installed in " << dir
                     << " (tools/install_recognizer.sh: npm and python3-onnx; ADAPTIVETEXT_RECOGNIZER_DIR)";
    return result;
}

cv::Ptr<TextReader> reader()
{
    static cv::Ptr<TextReader> r = TextReader::create();
    return r;
}

/** A white strip with `text` drawn in black by cv::putText, about 54 px high. */
cv::Mat drawnStrip(const std::string& text)
{
    int baseline = 0;
    const cv::Size size = cv::getTextSize(text, cv::FONT_HERSHEY_SIMPLEX, 1.2, 2, &baseline);
    cv::Mat strip(size.height + baseline + 16, size.width + 16, CV_8UC3, cv::Scalar::all(255));
    cv::putText(strip, text, cv::Point(8, size.height + 8), cv::FONT_HERSHEY_SIMPLEX, 1.2, cv::Scalar::all(0), 2,
                cv::LINE_AA);
    return strip;
}

std::string stripText(const std::string& name)
{
    std::ifstream f(dataPath("text_strips/" + name + ".txt"), std::ios::binary);
    std::stringstream s;
    s << f.rdbuf();
    return s.str();
}

/** A folder under the temporary directory, removed with its files when the object goes away. */
struct TempDir
{
    std::string path;
    std::vector<std::string> files;
    TempDir()
    {
        char templ[] = "/tmp/adaptivetext_reader_XXXXXX";
        BOOST_REQUIRE(mkdtemp(templ) != nullptr);
        path = templ;
    }
    std::string write(const std::string& name, const std::string& bytes)
    {
        const std::string p = path + "/" + name;
        std::ofstream(p, std::ios::binary) << bytes;
        files.push_back(p);
        return p;
    }
    ~TempDir()
    {
        for (const std::string& f : files)
            std::remove(f.c_str());
        std::remove(path.c_str());
    }
};

boost::test_tools::assertion_result haveApp(utf::test_unit_id)
{
#ifdef ADAPTIVETEXT_SAMPLE_APP
    return true;
#else
    boost::test_tools::assertion_result result(false);
    result.message() << "the samples app is not built (ADAPTIVETEXT_BUILD_SAMPLES=OFF)";
    return result;
#endif
}

boost::test_tools::assertion_result haveRecognizerAndApp(utf::test_unit_id id)
{
    boost::test_tools::assertion_result app = haveApp(id);
    return app ? haveRecognizer(id) : app;
}

#ifdef ADAPTIVETEXT_SAMPLE_APP
/** Runs the samples app on data/samples/curved_text.jpg with `options`; its exit code, stderr in `err`, the texts
 *  (last field of each line of NAME.txt) in `texts`. */
int runApp(const std::string& options, std::string& err, std::vector<std::string>& texts)
{
    const std::string out = cv::tempfile("reader_app"), errFile = out + ".err";
    const std::string command = std::string("\"") + ADAPTIVETEXT_SAMPLE_APP + "\" --input=\"" +
                                ADAPTIVETEXT_SOURCE_DIR + "/data/samples/curved_text.jpg\" --output=\"" + out + "\" " +
                                options + " > /dev/null 2> \"" + errFile + "\"";
    const int status = std::system(command.c_str());
    std::ifstream e(errFile);
    std::stringstream ss;
    ss << e.rdbuf();
    err = ss.str();
    std::ifstream txt(out + "/curved_text.txt");
    for (std::string line; std::getline(txt, line);)
    {
        // x1,y1,...,xn,yn,score,text: the text follows the score, the only field with a '.'
        size_t at = 0, scoreEnd = std::string::npos;
        while (at < line.size())
        {
            size_t comma = line.find(',', at);
            if (comma == std::string::npos)
                break;
            if (line.substr(at, comma - at).find('.') != std::string::npos)
            {
                scoreEnd = comma;
                break;
            }
            at = comma + 1;
        }
        texts.push_back(scoreEnd == std::string::npos ? std::string() : line.substr(scoreEnd + 1));
    }
    std::remove(errFile.c_str());
    cv::utils::fs::remove_all(out);
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}
#endif

}  // namespace

BOOST_AUTO_TEST_SUITE(text_reader)

BOOST_AUTO_TEST_CASE(ctc_greedy_decoding_of_hand_made_probabilities)
{
    // repeats merge, a blank between two equal classes keeps both, blanks vanish
    BOOST_CHECK_EQUAL(TextReader::decodeCTC(probabilities({1, 1, 0, 1, 2, 2, 0, 0, 3}), kAbc), "aabc");
    BOOST_CHECK_EQUAL(TextReader::decodeCTC(probabilities({0, 3, 3, 3, 2, 1, 0}), kAbc), "cba");
    BOOST_CHECK_EQUAL(TextReader::decodeCTC(probabilities({0, 0, 0}), kAbc), "");
    // the recogniser's time-major T x 1 x C layout reads the same
    cv::Mat p = probabilities({2, 0, 2, 2, 1});
    BOOST_CHECK_EQUAL(TextReader::decodeCTC(p.reshape(1, std::vector<int>{5, 1, 4}), kAbc), "bba");
    // multi-byte symbols are joined as they are
    BOOST_CHECK_EQUAL(TextReader::decodeCTC(probabilities({1, 0, 2}), {"中", "文", " "}), "中文");
}

BOOST_AUTO_TEST_CASE(ctc_decoding_rejects_bad_probabilities)
{
    CHECK_HAS(errorOf([] { TextReader::decodeCTC(probabilities({1, 2}), {"a", "b"}); }, cv::Error::StsBadArg),
              "plus the blank");
    cv::Mat p64;
    probabilities({1, 2}).convertTo(p64, CV_64F);
    CHECK_HAS(errorOf([&] { TextReader::decodeCTC(p64, kAbc); }), "float32");
    CHECK_HAS(errorOf([] { TextReader::decodeCTC(cv::Mat(std::vector<int>{2, 2, 4}, CV_32F, cv::Scalar(0)), kAbc); }),
              "T x 1 x C");
}

BOOST_AUTO_TEST_CASE(missing_recogniser_files_name_the_path_and_the_setup)
{
    TempDir dir;
    std::string msg = errorOf([&] { TextReader::create(dir.path + "/nothing_w320.onnx"); },
                              cv::Error::StsObjectNotFound);
    CHECK_HAS(msg, dir.path + "/nothing_w320.onnx");
    CHECK_HAS(msg, "tools/install_recognizer.sh");
    msg = errorOf([&] { TextReader::create(dir.path); }, cv::Error::StsObjectNotFound);
    CHECK_HAS(msg, "no recogniser");
    CHECK_HAS(msg, dir.path);
    // a model file, but no vocabulary beside it
    const std::string model = dir.write("rec_w320.onnx", "x");
    msg = errorOf([&] { TextReader::create(model); }, cv::Error::StsObjectNotFound);
    CHECK_HAS(msg, "ppocrv4_rec_vocab.txt");
    // a name without the input width
    const std::string unnamed = dir.write("rec.onnx", "x");
    CHECK_HAS(errorOf([&] { TextReader::create(unnamed); }, cv::Error::StsBadArg), "_w<W>.onnx");
}

BOOST_AUTO_TEST_CASE(corrupt_recogniser_files_are_refused_with_a_message)
{
    TempDir dir;
    dir.write("ppocrv4_rec_vocab.txt", "a\nb\n \n");
    const std::string model = dir.write("ppocrv4_rec_w320.onnx", std::string(4096, '\x7f') + "not a model");
    std::string msg = errorOf([&] { TextReader::create(model); }, cv::Error::StsParseError);
    CHECK_HAS(msg, "not a loadable ONNX recogniser");
    CHECK_HAS(msg, model);
    msg = errorOf([&] { TextReader::create(dir.path); }, cv::Error::StsParseError);
    CHECK_HAS(msg, model);
    // an empty vocabulary
    TempDir dir2;
    dir2.write("ppocrv4_rec_w320.onnx", "x");
    dir2.write("ppocrv4_rec_vocab.txt", "\n");
    CHECK_HAS(errorOf([&] { TextReader::create(dir2.path); }, cv::Error::StsParseError), "is empty");
}

BOOST_AUTO_TEST_CASE(a_vocabulary_that_does_not_fit_the_model_is_refused, *utf::precondition(haveRecognizer))
{
    TempDir dir;
    const std::string vocabulary = dir.write("three.txt", "a\nb\nc\n");
    const std::string msg = errorOf([&] { TextReader::create(TextReader::defaultDir() + "/ppocrv4_rec_w320.onnx",
                                                             vocabulary); },
                                    cv::Error::StsParseError);
    CHECK_HAS(msg, "6625 classes");
    CHECK_HAS(msg, "has 3 symbols");
}

BOOST_AUTO_TEST_CASE(reads_drawn_english_words, *utf::precondition(haveRecognizer))
{
    cv::Ptr<TextReader> r = reader();
    BOOST_REQUIRE(!r->getInputWidths().empty());
    for (const std::string& word : {"HELLO", "OpenCV 2026", "Street"})
    {
        float confidence = 0.f;
        const cv::Mat strip = drawnStrip(word);
        BOOST_CHECK_EQUAL(r->readWithConfidence(strip, confidence), word);
        BOOST_CHECK_GT(confidence, 0.8f);
        // grey and BGRA strips read the same
        cv::Mat grey, bgra;
        cv::cvtColor(strip, grey, cv::COLOR_BGR2GRAY);
        cv::cvtColor(strip, bgra, cv::COLOR_BGR2BGRA);
        BOOST_CHECK_EQUAL(r->read(grey), word);
        BOOST_CHECK_EQUAL(r->read(bgra), word);
    }
}

BOOST_AUTO_TEST_CASE(agrees_with_text_recognition_model, *utf::precondition(haveRecognizer))
{
    // TextReader decodes what cv::dnn::TextRecognitionModel predicts: on a strip padded to the model's width by
    // hand, OpenCV's own recognize() gives the same text.
    const std::string dir = TextReader::defaultDir();
    std::vector<cv::String> vocabulary;
    std::ifstream f(dir + "/ppocrv4_rec_vocab.txt");
    for (std::string line; std::getline(f, line);)
        vocabulary.push_back(line);
    cv::dnn::TextRecognitionModel model(dir + "/ppocrv4_rec_w320.onnx");
    model.setDecodeType("CTC-greedy");
    model.setVocabulary(vocabulary);
    model.setInputParams(1.0 / 127.5, cv::Size(320, 48), cv::Scalar::all(127.5), false);
    const cv::Mat strip = drawnStrip("HELLO");
    cv::Mat row, padded(48, 320, CV_8UC3, cv::Scalar::all(128));
    cv::resize(strip, row, cv::Size((int)std::lround(strip.cols * 48.0 / strip.rows), 48), 0, 0, cv::INTER_AREA);
    row.copyTo(padded.colRange(0, row.cols));
    BOOST_CHECK_EQUAL(model.recognize(padded), "HELLO");
    BOOST_CHECK_EQUAL(reader()->read(strip), "HELLO");
}

BOOST_AUTO_TEST_CASE(reads_chinese_rows_columns_and_long_lines, *utf::precondition(haveRecognizer))
{
    for (const std::string& name : {"chinese_row", "chinese_column", "long_line"})
    {
        const cv::Mat strip = cv::imread(dataPath("text_strips/" + name + ".png"));
        BOOST_REQUIRE_MESSAGE(!strip.empty(), name);
        BOOST_CHECK_EQUAL(reader()->read(strip), stripText(name));
    }
}

BOOST_AUTO_TEST_CASE(empty_tiny_and_random_strips, *utf::precondition(haveRecognizer))
{
    cv::Ptr<TextReader> r = reader();
    float confidence = 1.f;
    BOOST_CHECK_EQUAL(r->readWithConfidence(cv::Mat(), confidence), "");
    BOOST_CHECK_EQUAL(confidence, 0.f);
    for (const cv::Size& size : {cv::Size(1, 1), cv::Size(1, 40), cv::Size(40, 1), cv::Size(2, 2), cv::Size(3, 900),
                                 cv::Size(5000, 2)})
        BOOST_CHECK_NO_THROW(r->read(cv::Mat(size, CV_8UC3, cv::Scalar(30, 200, 90))));
    // bad types are cv::Exceptions, not crashes
    CHECK_HAS(errorOf([&] { r->read(cv::Mat(30, 90, CV_32FC3, cv::Scalar::all(0.5))); }), "8-bit");
    CHECK_HAS(errorOf([&] { r->read(cv::Mat(30, 90, CV_8UC2, cv::Scalar::all(9))); }), "channels");
    // random sizes, contents and non-contiguous views of a larger image
    cv::RNG rng(44);
    cv::Mat big(400, 900, CV_8UC3);
    rng.fill(big, cv::RNG::UNIFORM, 0, 256);
    std::vector<cv::Mat> strips;
    for (int i = 0; i < 12; ++i)
    {
        const int w = rng.uniform(1, 900), h = rng.uniform(1, 400);
        const int x = rng.uniform(0, 900 - w + 1), y = rng.uniform(0, 400 - h + 1);
        strips.push_back(big(cv::Rect(x, y, w, h)));
    }
    std::vector<cv::String> texts;
    BOOST_CHECK_NO_THROW(r->readAll(strips, texts));
    BOOST_CHECK_EQUAL(texts.size(), strips.size());
}

BOOST_AUTO_TEST_CASE(reads_the_synthetic_arcs_at_least_as_well_as_tesseract, *utf::precondition(haveRecognizer))
{
#ifdef ADAPTIVETEXT_WITH_TEXT
    // Every curved English line (at least 3 point pairs) of the 16 generated arc scenes (test/data/arc_scenes,
    // tools/testdata/gen_arc_scenes.py), from its true outline, read as the samples app reads it
    // (strip_reader.hpp) by the recogniser and by Tesseract: mean character accuracy (arc_text.hpp).
    std::unique_ptr<StripReader> tesseract;
    try
    {
        tesseract.reset(new StripReader("eng"));
    }
    catch (...)  // OpenCV 4.6 throws an int when Tesseract has no English data
    {
        BOOST_TEST_MESSAGE("Tesseract has no English data: only the recogniser is measured");
    }
    const StripReader recognizer(*reader());
    std::vector<std::string> scenes;
    cv::glob(dataPath("arc_scenes/*.jpg"), scenes, false);
    BOOST_REQUIRE(!scenes.empty());
    double sumRecognizer = 0, sumTesseract = 0;
    int lines = 0;
    for (const std::string& scene : scenes)
    {
        const cv::Mat image = cv::imread(scene);
        std::ifstream f(scene.substr(0, scene.size() - 4) + ".txt", std::ios::binary);
        std::stringstream ss;
        ss << f.rdbuf();
        for (const cv::adaptivetext::TextAnnotation& t : cv::adaptivetext::parseGroundTruth(ss.str(), scene).instances)
        {
            if (t.polygon.size() < 6 || t.dontCare)
                continue;
            std::vector<cv::Point> polygon;
            for (const cv::Point2f& p : t.polygon)
                polygon.push_back(cv::Point(cvRound(p.x), cvRound(p.y)));
            const std::string byRecognizer = recognizer.read(image, polygon);
            const std::string byTesseract = tesseract ? tesseract->read(image, polygon) : std::string();
            sumRecognizer += characterAccuracy(byRecognizer, t.transcription);
            sumTesseract += characterAccuracy(byTesseract, t.transcription);
            ++lines;
            BOOST_TEST_MESSAGE(cv::format("%-32s recogniser \"%s\"  Tesseract \"%s\"", t.transcription.c_str(),
                                          normaliseText(byRecognizer).c_str(), normaliseText(byTesseract).c_str()));
        }
    }
    BOOST_REQUIRE_GE(lines, 20);
    const double recognizerMean = sumRecognizer / lines, tesseractMean = sumTesseract / lines;
    BOOST_TEST_MESSAGE(lines << " curved lines: mean character accuracy " << recognizerMean << " (recogniser), "
                             << tesseractMean << " (Tesseract)");
    BOOST_CHECK_GE(recognizerMean, tesseractMean);
    // the floor measured when the recogniser was added (0.9 and more), less a margin for other CPUs' arithmetic
    BOOST_CHECK_GE(recognizerMean, 0.85);
#endif
}

BOOST_AUTO_TEST_CASE(samples_app_reads_english_and_chinese_by_default, *utf::precondition(haveRecognizerAndApp))
{
#ifdef ADAPTIVETEXT_SAMPLE_APP
    // The shipped line model on the shipped sample: two Chinese lines and three English ones (the generator's
    // truth, data/samples/curved_text.txt); no language option.
    std::string err;
    std::vector<std::string> texts;
    BOOST_REQUIRE_EQUAL(runApp("--ocr", err, texts), 0);
    for (const std::string& t : texts)
        BOOST_TEST_MESSAGE("read: " << t);
    for (const std::string& expected : {"high coffee digital", "TO BROWN", "统门想", "的给但未六叫其"})
        BOOST_CHECK_MESSAGE(std::find(texts.begin(), texts.end(), expected) != texts.end(), "not read: " << expected);
#endif
}

BOOST_AUTO_TEST_CASE(samples_app_reports_a_missing_recogniser_and_a_bad_engine, *utf::precondition(haveApp))
{
#ifdef ADAPTIVETEXT_SAMPLE_APP
    std::string err;
    std::vector<std::string> texts;
    BOOST_CHECK_EQUAL(runApp("--ocr --recognizer=/nonexistent/recognizer", err, texts), 1);
    CHECK_HAS(err, "/nonexistent/recognizer not found");
    CHECK_HAS(err, "tools/install_recognizer.sh");
    BOOST_CHECK_EQUAL(runApp("--ocr=nonsense", err, texts), 2);
    CHECK_HAS(err, "--ocr takes no value");
#endif
}

BOOST_AUTO_TEST_SUITE_END()
