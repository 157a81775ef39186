// This file is part of OpenCV project.
// It is subject to the license terms in the LICENSE file found in the top-level directory
// of this distribution and at http://opencv.org/license.html.

// Reading the settings a model carries (doc/model_format.md, "Settings"). The JSON comes out of the model file
// and may be anything: every field is checked for its type and range, and a bad one is a cv::Exception that
// names it, never a crash or a silently odd detector.
#include "precomp.hpp"
#include "model_settings.hpp"
#include "onnx_payload_check.hpp"

#include <cmath>
#include <cstdint>

namespace cv {
namespace adaptivetext {
namespace detail {

const char* const MODEL_SETTINGS_KEY = "adaptivetext.settings";

namespace {

// The public bounds of the size settings (detector.hpp, InputSizeLimits): a model may ask for no more than a
// setter accepts.
const int kMinSide = 16, kMaxSide = 4096;

class SettingsReader
{
public:
    SettingsReader(const std::string& json, const std::string& source) : source_(source)
    {
        try
        {
            fs_.open(json, FileStorage::READ | FileStorage::MEMORY | FileStorage::FORMAT_JSON);
        }
        catch (const cv::Exception& e)
        {
            fail("", std::string("is not valid JSON: ") + e.err);
        }
        if (!fs_.isOpened() || !fs_.root().isMap())
            fail("", "is not a JSON object");
    }

    FileNode root() const { return fs_.root(); }

    // An optional field: `fallback` when absent, else a number in [lo, hi] (integral when `integer`).
    double number(const FileNode& parent, const char* name, const std::string& path, double lo, double hi,
                  double fallback, bool integer = false) const
    {
        const FileNode n = parent[name];
        if (n.empty() || n.isNone())
            return fallback;
        if (!n.isInt() && !n.isReal())
            fail(path, "must be a number");
        const double v = n.isInt() ? (double)(int)n : (double)n;
        if (!(v >= lo && v <= hi))
            fail(path, format("= %g is out of range: it must be in [%g, %g]", v, lo, hi));
        if (integer && v != std::floor(v))
            fail(path, format("= %g must be a whole number of pixels", v));
        return v;
    }

    std::string string(const FileNode& parent, const char* name, const std::string& path,
                       const std::string& fallback) const
    {
        const FileNode n = parent[name];
        if (n.empty() || n.isNone())
            return fallback;
        if (!n.isString())
            fail(path, "must be a string");
        return (std::string)n;
    }

    FileNode map(const FileNode& parent, const char* name, const std::string& path) const
    {
        const FileNode n = parent[name];
        if (!n.empty() && !n.isNone() && !n.isMap())
            fail(path, "must be a JSON object");
        return n;
    }

    void checkHeader(const char* kind) const
    {
        const double version = number(root(), "version", "version", 1, 1e9, 1, true);
        if (version > MODEL_SETTINGS_VERSION)
            fail("version", format("= %g: this build reads settings up to version %d; update opencv_adaptivetext",
                                   version, (int)MODEL_SETTINGS_VERSION));
        const std::string k = string(root(), "kind", "kind", kind);
        if (k != kind)
            fail("kind", format("= '%s': a %s model was expected%s", k.c_str(), kind,
                                k == "verifier" ? " (a verifier is passed to setVerifier, not to create)" : ""));
    }

    void fail(const std::string& field, const std::string& why) const
    {
        CV_Error(Error::StsParseError,
                 format("AdaptiveTextDetector: the settings of '%s' (ONNX metadata '%s')%s %s (doc/model_format.md, "
                        "\"Settings\")", source_.c_str(), MODEL_SETTINGS_KEY,
                        field.empty() ? "" : (", field '" + field + "'").c_str(), why.c_str()));
    }

private:
    std::string source_;
    FileStorage fs_;
};

bool isHexDigest(const std::string& s)
{
    if (s.size() != 64)
        return false;
    for (char c : s)
        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')))
            return false;
    return true;
}

// A file name the verifier can be looked up by in a folder: no folder part, no climbing out of the folder.
bool isPlainFileName(const std::string& s)
{
    return !s.empty() && s != "." && s != ".." && s.find_first_of("/\\") == std::string::npos;
}

}  // namespace

ModelSettings parseModelSettings(const std::string& json, const std::string& source)
{
    const SettingsReader r(json, source);
    r.checkHeader("detector");
    const FileNode root = r.root();
    ModelSettings s;
    s.fromMetadata = true;
    s.granularity = r.string(root, "granularity", "granularity", s.granularity);
    if (s.granularity != "lines" && s.granularity != "words")
        r.fail("granularity", "= '" + s.granularity + "' must be 'lines' or 'words'");

    const FileNode input = r.map(root, "input", "input");
    if (!input.empty() && !input.isNone())
    {
        const std::string policy = r.string(input, "policy", "input.policy", "long_side");
        if (policy == "long_side")
            s.policy = 2;  // INPUT_SIZE_LONG_SIDE
        else if (policy == "short_side")
            s.policy = 1;  // INPUT_SIZE_SHORT_SIDE
        else
            r.fail("input.policy", "= '" + policy + "' must be 'long_side' or 'short_side'");
        s.sideLength = (int)r.number(input, "side", "input.side", kMinSide, kMaxSide, s.sideLength, true);
        s.smallTextSide = (int)r.number(input, "small_text_side", "input.small_text_side", 0, kMaxSide,
                                        s.smallTextSide, true);
        if (s.smallTextSide != 0 && s.smallTextSide < kMinSide)
            r.fail("input.small_text_side", format("= %d: 0 turns the second pass off, otherwise it must be in "
                                                   "[%d, %d]", s.smallTextSide, kMinSide, kMaxSide));
        s.smallTextSplit = (float)r.number(input, "small_text_split", "input.small_text_split", 1e-6, kMaxSide,
                                           s.smallTextSplit);
    }
    s.scoreThreshold = (float)r.number(root, "score_threshold", "score_threshold", 0, 1, s.scoreThreshold);
    s.nmsThreshold = (float)r.number(root, "nms_threshold", "nms_threshold", 0, 1, s.nmsThreshold);

    const FileNode v = r.map(root, "verifier", "verifier");
    if (!v.empty() && !v.isNone())
    {
        s.hasVerifier = true;
        VerifierPairing& p = s.verifier;
        p.file = r.string(v, "file", "verifier.file", "");
        if (!isPlainFileName(p.file))
            r.fail("verifier.file", "= '" + p.file + "' must be a file name without a folder");
        p.sha256 = r.string(v, "sha256", "verifier.sha256", "");
        if (!isHexDigest(p.sha256))
            r.fail("verifier.sha256", "= '" + p.sha256 + "' must be 64 lowercase hex digits");
        if (v["candidate_score"].empty())
            r.fail("verifier.candidate_score", "is missing");
        p.candidateScore = (float)r.number(v, "candidate_score", "verifier.candidate_score", 0, 1, 0);
        p.fusionWeight = (float)r.number(v, "fusion_weight", "verifier.fusion_weight", 0, 1, 0);
        p.threshold = (float)r.number(v, "threshold", "verifier.threshold", 0, 1, 0);
        p.minFill = (float)r.number(v, "min_fill", "verifier.min_fill", 0, 1, 0);
    }
    return s;
}

ModelSettings readModelSettings(const std::vector<uchar>& modelBytes, const std::string& source)
{
    std::string json;
    if (!findMetadataProp(modelBytes.data(), modelBytes.size(), MODEL_SETTINGS_KEY, json))
        return ModelSettings();
    return parseModelSettings(json, source);
}

VerifierSettings parseVerifierSettings(const std::string& json, const std::string& source)
{
    const SettingsReader r(json, source);
    r.checkHeader("verifier");
    VerifierSettings s;
    s.fromMetadata = true;
    s.minFill = (float)r.number(r.root(), "min_fill", "min_fill", 0, 1, 0);
    return s;
}

VerifierSettings readVerifierSettings(const std::vector<uchar>& verifierBytes, const std::string& source)
{
    std::string json;
    if (!findMetadataProp(verifierBytes.data(), verifierBytes.size(), MODEL_SETTINGS_KEY, json))
        return VerifierSettings();
    return parseVerifierSettings(json, source);
}

// FIPS 180-4 SHA-256; OpenCV 4.6 exposes no hash of its own.
std::string sha256Hex(const uchar* data, size_t size)
{
    static const uint32_t k[64] = {
        0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
        0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
        0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
        0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
        0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
        0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
        0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
        0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2 };
    uint32_t h[8] = { 0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab,
                      0x5be0cd19 };
    auto rotr = [](uint32_t x, int n) { return (x >> n) | (x << (32 - n)); };
    // The message, then 0x80, zeros, and its length in bits (big-endian): a whole number of 64-byte blocks.
    std::vector<uchar> tail(data + (size / 64) * 64, data + size);
    tail.push_back(0x80);
    while (tail.size() % 64 != 56)
        tail.push_back(0);
    const uint64_t bits = (uint64_t)size * 8;
    for (int i = 7; i >= 0; --i)
        tail.push_back((uchar)(bits >> (8 * i)));
    const size_t fullBlocks = size / 64, blocks = fullBlocks + tail.size() / 64;
    for (size_t b = 0; b < blocks; ++b)
    {
        const uchar* p = b < fullBlocks ? data + 64 * b : tail.data() + 64 * (b - fullBlocks);
        uint32_t w[64];
        for (int i = 0; i < 16; ++i)
            w[i] = (uint32_t)p[4 * i] << 24 | (uint32_t)p[4 * i + 1] << 16 | (uint32_t)p[4 * i + 2] << 8 | p[4 * i + 3];
        for (int i = 16; i < 64; ++i)
        {
            const uint32_t s0 = rotr(w[i - 15], 7) ^ rotr(w[i - 15], 18) ^ (w[i - 15] >> 3);
            const uint32_t s1 = rotr(w[i - 2], 17) ^ rotr(w[i - 2], 19) ^ (w[i - 2] >> 10);
            w[i] = w[i - 16] + s0 + w[i - 7] + s1;
        }
        uint32_t a = h[0], bb = h[1], c = h[2], d = h[3], e = h[4], f = h[5], g = h[6], hh = h[7];
        for (int i = 0; i < 64; ++i)
        {
            const uint32_t t1 = hh + (rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25)) + ((e & f) ^ (~e & g)) + k[i] + w[i];
            const uint32_t t2 = (rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22)) + ((a & bb) ^ (a & c) ^ (bb & c));
            hh = g; g = f; f = e; e = d + t1; d = c; c = bb; bb = a; a = t1 + t2;
        }
        h[0] += a; h[1] += bb; h[2] += c; h[3] += d; h[4] += e; h[5] += f; h[6] += g; h[7] += hh;
    }
    std::string hex;
    for (uint32_t v : h)
        hex += format("%08x", v);
    return hex;
}

}  // namespace detail
}  // namespace adaptivetext
}  // namespace cv
