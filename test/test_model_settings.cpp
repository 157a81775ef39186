// This file is part of OpenCV project.
// It is subject to the license terms in the LICENSE file found in the top-level directory
// of this distribution and at http://opencv.org/license.html.

// Models carry their own settings (doc/model_format.md, "Settings"): create() runs a model as its ONNX metadata
// "adaptivetext.settings" says, whatever the file is called. A renamed copy of each shipped model must detect
// exactly what the shipped name does; a model without settings gets the generic ones; malformed settings are a
// cv::Exception that names the field, never a crash.
#include <opencv2/adaptivetext.hpp>
#include <opencv2/core/utils/filesystem.hpp>
#include <opencv2/imgcodecs.hpp>

#include <boost/test/unit_test.hpp>

#include <cstdlib>
#include <fstream>

#include "model_settings.hpp"
#include "onnx_payload_check.hpp"
#include "test_utils.hpp"

using namespace cv;
using namespace adaptivetext_test;
namespace ad = cv::adaptivetext::detail;

namespace {

const std::string kRoot = ADAPTIVETEXT_SOURCE_DIR;
const std::string kModels = kRoot + "/data/models";
const std::vector<std::string> kImages = { kRoot + "/data/samples/curved_text.jpg",
                                           kRoot + "/test/data/arc_scenes/arc_00.jpg" };

// A fresh folder under the temporary directory, removed with everything in it.
struct TempDir
{
    std::string path;
    TempDir() : path(cv::tempfile("_settings"))
    {
        BOOST_REQUIRE(utils::fs::createDirectory(path));
    }
    ~TempDir() { utils::fs::remove_all(path); }
    std::string file(const std::string& name) const { return path + "/" + name; }
};

void writeBytes(const std::string& path, const std::vector<uchar>& bytes)
{
    std::ofstream f(path, std::ios::binary);
    f.write(reinterpret_cast<const char*>(bytes.data()), (std::streamsize)bytes.size());
    BOOST_REQUIRE(f.good());
}

void copyFile(const std::string& from, const std::string& to) { writeBytes(to, readBytes(from)); }

void appendVarint(std::vector<uchar>& out, uint64_t v)
{
    do
    {
        out.push_back((uchar)((v & 0x7f) | (v > 0x7f ? 0x80 : 0)));
        v >>= 7;
    } while (v);
}

void appendBytesField(std::vector<uchar>& out, int number, const std::string& value)
{
    appendVarint(out, (uint64_t)number << 3 | 2);
    appendVarint(out, value.size());
    out.insert(out.end(), value.begin(), value.end());
}

// The model's bytes with a ModelProto.metadata_props entry (field 14) appended: protobuf reads fields in any order.
std::vector<uchar> withMetadata(std::vector<uchar> model, const std::string& key, const std::string& value)
{
    std::vector<uchar> entry;
    appendBytesField(entry, 1, key);
    appendBytesField(entry, 2, value);
    appendBytesField(model, 14, std::string(entry.begin(), entry.end()));
    return model;
}

// The test network (no settings of its own) with these settings, written to dir/name.
std::string tinyModelWith(const TempDir& dir, const std::string& json, const std::string& name = "m.onnx")
{
    const std::string path = dir.file(name);
    writeBytes(path, withMetadata(readBytes(dataPath("tiny_detector.onnx")), "adaptivetext.settings", json));
    return path;
}

struct Detections
{
    std::vector<std::vector<Point> > polygons;
    std::vector<float> scores;
};

std::vector<Detections> detectAll(const Ptr<AdaptiveTextDetector>& det)
{
    std::vector<Detections> all;
    for (const std::string& path : kImages)
    {
        const Mat image = imread(path);
        BOOST_REQUIRE_MESSAGE(!image.empty(), "cannot read " << path);
        Detections d;
        det->detect(image, d.polygons, d.scores);
        all.push_back(d);
    }
    return all;
}

// Same settings, same verifier file contents, and exactly the same polygons and scores on the images.
void checkSameDetector(const Ptr<AdaptiveTextDetector>& shipped, const Ptr<AdaptiveTextDetector>& renamed)
{
    BOOST_CHECK_EQUAL(renamed->getInputSizePolicy(), shipped->getInputSizePolicy());
    BOOST_CHECK_EQUAL(renamed->getSideLength(), shipped->getSideLength());
    BOOST_CHECK_EQUAL(renamed->getSmallTextSideLength(), shipped->getSmallTextSideLength());
    BOOST_CHECK_EQUAL(renamed->getSmallTextSplitHeight(), shipped->getSmallTextSplitHeight());
    BOOST_CHECK_EQUAL(renamed->getScoreThreshold(), shipped->getScoreThreshold());
    BOOST_CHECK_EQUAL(renamed->getNMSThreshold(), shipped->getNMSThreshold());
    BOOST_CHECK_EQUAL(renamed->getVerifier().empty(), shipped->getVerifier().empty());
    if (!shipped->getVerifier().empty() && !renamed->getVerifier().empty())
        BOOST_CHECK(readBytes(renamed->getVerifier()) == readBytes(shipped->getVerifier()));
    BOOST_CHECK_EQUAL(renamed->getVerifierCandidateScore(), shipped->getVerifierCandidateScore());
    const std::vector<Detections> a = detectAll(shipped), b = detectAll(renamed);
    size_t found = 0;
    for (size_t i = 0; i < a.size(); ++i)
    {
        BOOST_TEST_CONTEXT(kImages[i])
        {
            BOOST_CHECK(a[i].polygons == b[i].polygons);
            BOOST_CHECK(a[i].scores == b[i].scores);
            found += a[i].polygons.size();
        }
    }
    BOOST_CHECK_GT(found, 0u);  // otherwise the comparison says nothing
}

// Unsets ADAPTIVETEXT_MODEL_DIR for the test's duration, so that the shipped models are the source tree's.
struct NoModelDirOverride
{
    std::string saved;
    bool had;
    NoModelDirOverride()
    {
        const char* v = std::getenv("ADAPTIVETEXT_MODEL_DIR");
        had = v != nullptr;
        saved = v ? v : "";
        unsetenv("ADAPTIVETEXT_MODEL_DIR");
    }
    ~NoModelDirOverride()
    {
        if (had)
            setenv("ADAPTIVETEXT_MODEL_DIR", saved.c_str(), 1);
    }
};

std::string settingsError(const std::string& json)
{
    TempDir dir;
    const std::string path = tinyModelWith(dir, json);
    return errorOf([&] { AdaptiveTextDetector::create(path); }, Error::StsParseError);
}

}  // namespace

BOOST_AUTO_TEST_SUITE(model_settings)

BOOST_AUTO_TEST_CASE(renamed_line_model_detects_as_the_shipped_name)
{
    NoModelDirOverride env;
    const Ptr<AdaptiveTextDetector> shipped = AdaptiveTextDetector::create("");
    BOOST_REQUIRE(!shipped->getVerifier().empty());
    {
        // Alone in a folder: its verifier is found by the file name in its settings, where the shipped models are.
        TempDir dir;
        copyFile(kModels + "/adaptivetext_default.onnx", dir.file("my_lines.onnx"));
        checkSameDetector(shipped, AdaptiveTextDetector::create(dir.file("my_lines.onnx")));
    }
    {
        // With its verifier beside it: that copy is taken first (a copied pair stays a pair).
        TempDir dir;
        copyFile(kModels + "/adaptivetext_default.onnx", dir.file("renamed.onnx"));
        copyFile(kModels + "/adaptivetext_verifier.onnx", dir.file("adaptivetext_verifier.onnx"));
        const Ptr<AdaptiveTextDetector> renamed = AdaptiveTextDetector::create(dir.file("renamed.onnx"));
        BOOST_CHECK_EQUAL(renamed->getVerifier(), dir.file("adaptivetext_verifier.onnx"));
        checkSameDetector(shipped, renamed);
    }
}

BOOST_AUTO_TEST_CASE(renamed_word_model_detects_as_the_shipped_name)
{
    NoModelDirOverride env;
    TempDir dir;
    copyFile(kModels + "/adaptivetext_words.onnx", dir.file("w.onnx"));
    const Ptr<AdaptiveTextDetector> shipped = AdaptiveTextDetector::create("words");
    checkSameDetector(shipped, AdaptiveTextDetector::create(dir.file("w.onnx")));
}

BOOST_AUTO_TEST_CASE(shipped_models_carry_their_settings)
{
    const ad::ModelSettings lines =
        ad::readModelSettings(readBytes(kModels + "/adaptivetext_default.onnx"), "lines");
    BOOST_CHECK(lines.fromMetadata);
    BOOST_CHECK_EQUAL(lines.granularity, "lines");
    BOOST_CHECK_EQUAL(lines.policy, (int)AdaptiveTextDetector::INPUT_SIZE_LONG_SIDE);
    BOOST_CHECK_EQUAL(lines.sideLength, 512);
    BOOST_CHECK_EQUAL(lines.smallTextSide, 672);
    BOOST_CHECK_EQUAL(lines.smallTextSplit, 32.f);
    BOOST_CHECK_EQUAL(lines.scoreThreshold, 0.7f);
    BOOST_CHECK_EQUAL(lines.nmsThreshold, 0.1f);
    BOOST_REQUIRE(lines.hasVerifier);
    BOOST_CHECK_EQUAL(lines.verifier.file, "adaptivetext_verifier.onnx");
    const std::vector<uchar> verifier = readBytes(kModels + "/adaptivetext_verifier.onnx");
    BOOST_CHECK_EQUAL(lines.verifier.sha256, ad::sha256Hex(verifier.data(), verifier.size()));
    BOOST_CHECK_EQUAL(lines.verifier.candidateScore, 0.2045f);
    BOOST_CHECK_EQUAL(lines.verifier.fusionWeight, 0.75f);
    BOOST_CHECK_EQUAL(lines.verifier.threshold, 0.5f);
    // the crop fill gate: written once, by training/atrr/verifier.py, into the verifier and its pairing
    const ad::VerifierSettings own = ad::readVerifierSettings(verifier, "verifier");
    BOOST_CHECK(own.fromMetadata);
    BOOST_CHECK_EQUAL(own.minFill, 0.7f);
    BOOST_CHECK_EQUAL(lines.verifier.minFill, own.minFill);

    const ad::ModelSettings words = ad::readModelSettings(readBytes(kModels + "/adaptivetext_words.onnx"), "words");
    BOOST_CHECK(words.fromMetadata);
    BOOST_CHECK_EQUAL(words.granularity, "words");
    BOOST_CHECK_EQUAL(words.sideLength, 512);
    BOOST_CHECK_EQUAL(words.smallTextSide, 1120);
    BOOST_CHECK_EQUAL(words.smallTextSplit, 32.f);
    BOOST_CHECK_EQUAL(words.scoreThreshold, 0.85f);
    BOOST_CHECK_EQUAL(words.nmsThreshold, 0.1f);
    BOOST_CHECK(!words.hasVerifier);
}

BOOST_AUTO_TEST_CASE(a_model_without_settings_gets_the_generic_ones)
{
    const ad::ModelSettings none = ad::readModelSettings(readBytes(dataPath("tiny_detector.onnx")), "tiny");
    BOOST_CHECK(!none.fromMetadata);
    const Ptr<AdaptiveTextDetector> det = AdaptiveTextDetector::create(dataPath("tiny_detector.onnx"));
    BOOST_CHECK_EQUAL(det->getInputSizePolicy(), (int)AdaptiveTextDetector::INPUT_SIZE_LONG_SIDE);
    BOOST_CHECK_EQUAL(det->getSideLength(), 512);
    BOOST_CHECK_EQUAL(det->getSmallTextSideLength(), 0);
    BOOST_CHECK_EQUAL(det->getSmallTextSplitHeight(), 32.f);
    BOOST_CHECK_EQUAL(det->getScoreThreshold(), 0.7f);
    BOOST_CHECK_EQUAL(det->getNMSThreshold(), 0.1f);
    BOOST_CHECK(det->getVerifier().empty());
    // settings written with every field left out are the generic ones too
    TempDir dir;
    const Ptr<AdaptiveTextDetector> empty = AdaptiveTextDetector::create(tinyModelWith(dir, "{\"version\": 1}"));
    BOOST_CHECK_EQUAL(empty->getSideLength(), 512);
    BOOST_CHECK_EQUAL(empty->getSmallTextSideLength(), 0);
    BOOST_CHECK_EQUAL(empty->getScoreThreshold(), 0.7f);
    BOOST_CHECK_EQUAL(empty->getNMSThreshold(), 0.1f);
}

BOOST_AUTO_TEST_CASE(settings_apply_and_arguments_and_setters_override_them)
{
    TempDir dir;
    const std::string path = tinyModelWith(dir, "{\"kind\": \"detector\", \"input\": {\"policy\": \"short_side\", "
                                                "\"side\": 320, \"small_text_side\": 640, \"small_text_split\": 20}, "
                                                "\"score_threshold\": 0.6, \"nms_threshold\": 0.2}");
    const Ptr<AdaptiveTextDetector> det = AdaptiveTextDetector::create(path);
    BOOST_CHECK_EQUAL(det->getInputSizePolicy(), (int)AdaptiveTextDetector::INPUT_SIZE_SHORT_SIDE);
    BOOST_CHECK_EQUAL(det->getSideLength(), 320);
    BOOST_CHECK_EQUAL(det->getSmallTextSideLength(), 640);
    BOOST_CHECK_EQUAL(det->getSmallTextSplitHeight(), 20.f);
    BOOST_CHECK_EQUAL(det->getScoreThreshold(), 0.6f);
    BOOST_CHECK_EQUAL(det->getNMSThreshold(), 0.2f);
    det->setInputSizePolicy(AdaptiveTextDetector::INPUT_SIZE_LONG_SIDE, 96);
    det->setInputSize(Size());  // back to the model's policy
    BOOST_CHECK_EQUAL(det->getInputSizePolicy(), (int)AdaptiveTextDetector::INPUT_SIZE_SHORT_SIDE);
    BOOST_CHECK_EQUAL(det->getSideLength(), 320);

    const Ptr<AdaptiveTextDetector> given = AdaptiveTextDetector::create(path, Size(64, 48), 0.5f, 0.3f);
    BOOST_CHECK(given->getInputSize() == Size(64, 48));
    BOOST_CHECK_EQUAL(given->getInputSizePolicy(), (int)AdaptiveTextDetector::INPUT_SIZE_FIXED);
    BOOST_CHECK_EQUAL(given->getScoreThreshold(), 0.5f);
    BOOST_CHECK_EQUAL(given->getNMSThreshold(), 0.3f);
    given->setInputSize(Size());
    BOOST_CHECK_EQUAL(given->getSideLength(), 320);
}

BOOST_AUTO_TEST_CASE(the_paired_verifier_must_match_its_sha256)
{
    NoModelDirOverride env;
    const std::vector<uchar> verifier = readBytes(kModels + "/adaptivetext_verifier.onnx");
    const std::string sha = ad::sha256Hex(verifier.data(), verifier.size());
    const std::string pairing = "{\"verifier\": {\"file\": \"adaptivetext_verifier.onnx\", \"candidate_score\": 0.3, "
                                "\"sha256\": \"";
    TempDir dir;
    // found where the shipped models are, with the model's candidate score
    const Ptr<AdaptiveTextDetector> ok = AdaptiveTextDetector::create(tinyModelWith(dir, pairing + sha + "\"}}"));
    BOOST_CHECK(!ok->getVerifier().empty());
    BOOST_CHECK_EQUAL(ok->getVerifierCandidateScore(), 0.3f);
    // other bytes under that name, beside the model and in the shipped folders: none is taken (a warning)
    const std::string other(64, 'a');
    const Ptr<AdaptiveTextDetector> wrong = AdaptiveTextDetector::create(tinyModelWith(dir, pairing + other + "\"}}"));
    BOOST_CHECK(wrong->getVerifier().empty());
    // a file named in the settings that exists nowhere: a warning, and no verifier
    const Ptr<AdaptiveTextDetector> missing = AdaptiveTextDetector::create(
        tinyModelWith(dir, "{\"verifier\": {\"file\": \"nowhere.onnx\", \"candidate_score\": 0.3, \"sha256\": \"" +
                               sha + "\"}}"));
    BOOST_CHECK(missing->getVerifier().empty());
    // a mismatched file beside the model is passed over for the matching one in the shipped folders
    writeBytes(dir.file("adaptivetext_verifier.onnx"), readBytes(dataPath("tiny_detector.onnx")));
    const Ptr<AdaptiveTextDetector> passedOver =
        AdaptiveTextDetector::create(tinyModelWith(dir, pairing + sha + "\"}}"));
    BOOST_CHECK(!passedOver->getVerifier().empty());
    BOOST_CHECK(passedOver->getVerifier() != dir.file("adaptivetext_verifier.onnx"));
}

BOOST_AUTO_TEST_CASE(a_verifier_takes_its_gate_from_its_own_settings)
{
    const std::vector<uchar> shipped = readBytes(kModels + "/adaptivetext_verifier.onnx");
    // without settings: no gate
    const ad::VerifierSettings none = ad::readVerifierSettings(readBytes(dataPath("tiny_detector.onnx")), "tiny");
    BOOST_CHECK(!none.fromMetadata);
    BOOST_CHECK_EQUAL(none.minFill, 0.f);
    TempDir dir;
    const Ptr<AdaptiveTextDetector> det = AdaptiveTextDetector::create(dataPath("tiny_detector.onnx"));
    // malformed: setVerifier names the field and leaves the detector as it was
    writeBytes(dir.file("v.onnx"), withMetadata(shipped, "adaptivetext.settings",
                                                "{\"kind\": \"verifier\", \"min_fill\": \"high\"}"));
    CHECK_HAS(errorOf([&] { det->setVerifier(dir.file("v.onnx")); }, Error::StsParseError), "'min_fill'");
    BOOST_CHECK(det->getVerifier().empty());
    // a detector's settings on a verifier's network: refused by kind
    writeBytes(dir.file("v.onnx"), withMetadata(shipped, "adaptivetext.settings", "{\"kind\": \"detector\"}"));
    CHECK_HAS(errorOf([&] { det->setVerifier(dir.file("v.onnx")); }, Error::StsParseError), "'kind'");
    BOOST_CHECK(det->getVerifier().empty());
}

BOOST_AUTO_TEST_CASE(malformed_settings_name_the_field)
{
    CHECK_HAS(settingsError("not json at all"), "adaptivetext.settings");
    CHECK_HAS(settingsError("[1, 2]"), "adaptivetext.settings");
    CHECK_HAS(settingsError("{\"input\": {\"side\": \"big\"}}"), "'input.side' must be a number");
    CHECK_HAS(settingsError("{\"input\": {\"side\": 8}}"), "input.side");
    CHECK_HAS(settingsError("{\"input\": {\"side\": 5000}}"), "input.side");
    CHECK_HAS(settingsError("{\"input\": {\"side\": 512.5}}"), "input.side");
    CHECK_HAS(settingsError("{\"input\": {\"small_text_side\": 4}}"), "input.small_text_side");
    CHECK_HAS(settingsError("{\"input\": {\"small_text_split\": -1}}"), "input.small_text_split");
    CHECK_HAS(settingsError("{\"input\": {\"policy\": \"fixed\"}}"), "input.policy");
    CHECK_HAS(settingsError("{\"input\": 3}"), "'input' must be a JSON object");
    CHECK_HAS(settingsError("{\"score_threshold\": 1.5}"), "score_threshold");
    CHECK_HAS(settingsError("{\"nms_threshold\": \"0.1\"}"), "nms_threshold");
    CHECK_HAS(settingsError("{\"granularity\": \"pages\"}"), "granularity");
    CHECK_HAS(settingsError("{\"version\": 2}"), "version");
    CHECK_HAS(settingsError("{\"kind\": \"verifier\"}"), "setVerifier");
    const std::string sha(64, '0');
    CHECK_HAS(settingsError("{\"verifier\": {\"file\": \"../v.onnx\", \"candidate_score\": 0.2, \"sha256\": \"" + sha +
                            "\"}}"), "verifier.file");
    CHECK_HAS(settingsError("{\"verifier\": {\"file\": \"v.onnx\", \"candidate_score\": 0.2, \"sha256\": \"xyz\"}}"),
              "verifier.sha256");
    CHECK_HAS(settingsError("{\"verifier\": {\"file\": \"v.onnx\", \"sha256\": \"" + sha + "\"}}"),
              "verifier.candidate_score");
    CHECK_HAS(settingsError("{\"verifier\": {\"file\": \"v.onnx\", \"candidate_score\": 2, \"sha256\": \"" + sha +
                            "\"}}"), "verifier.candidate_score");
    // the message names the model file too
    TempDir dir;
    const std::string path = tinyModelWith(dir, "{\"score_threshold\": -3}", "odd.onnx");
    CHECK_HAS(errorOf([&] { AdaptiveTextDetector::create(path); }, Error::StsParseError), "odd.onnx");
}

BOOST_AUTO_TEST_CASE(metadata_reader_survives_truncated_and_odd_bytes)
{
    const std::vector<uchar> model = withMetadata(readBytes(dataPath("tiny_detector.onnx")), "adaptivetext.settings",
                                                  "{\"version\": 1}");
    std::string value;
    BOOST_CHECK(ad::findMetadataProp(model.data(), model.size(), "adaptivetext.settings", value));
    BOOST_CHECK_EQUAL(value, "{\"version\": 1}");
    BOOST_CHECK(!ad::findMetadataProp(model.data(), model.size(), "other.key", value));
    BOOST_CHECK(!ad::findMetadataProp(nullptr, 0, "adaptivetext.settings", value));
    // cut anywhere inside the appended entry: never found, never a read past the end
    for (size_t cut = model.size() - 30; cut < model.size(); ++cut)
        BOOST_CHECK(!ad::findMetadataProp(model.data(), cut, "adaptivetext.settings", value));
    // the last entry of a key wins, as in onnx
    const std::vector<uchar> twice = withMetadata(model, "adaptivetext.settings", "{\"version\": 1, \"x\": 2}");
    BOOST_CHECK(ad::findMetadataProp(twice.data(), twice.size(), "adaptivetext.settings", value));
    BOOST_CHECK_EQUAL(value, "{\"version\": 1, \"x\": 2}");
}

BOOST_AUTO_TEST_CASE(sha256_known_answers)
{
    const std::string empty, abc = "abc", two = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
    BOOST_CHECK_EQUAL(ad::sha256Hex((const uchar*)empty.data(), 0),
                      "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    BOOST_CHECK_EQUAL(ad::sha256Hex((const uchar*)abc.data(), abc.size()),
                      "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    BOOST_CHECK_EQUAL(ad::sha256Hex((const uchar*)two.data(), two.size()),
                      "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
    const std::string million(1000000, 'a');
    BOOST_CHECK_EQUAL(ad::sha256Hex((const uchar*)million.data(), million.size()),
                      "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

BOOST_AUTO_TEST_SUITE_END()
