// This file is part of OpenCV project.
// It is subject to the license terms in the LICENSE file found in the top-level directory
// of this distribution and at http://opencv.org/license.html.

#include "precomp.hpp"
#include "opencv2/adaptivetext/text_reader.hpp"

#include <opencv2/core/utils/filesystem.hpp>

#include <cstdlib>
#include <fstream>
#include <utility>

namespace cv {
namespace adaptivetext {

namespace {

// PP-OCRv4's trained input height (rec_image_shape 3,48,320) and its backbone's width stride: one CTC time
// step per 8 input columns (tools/prepare_recognizer.py).
const int kHeight = 48;
const int kStride = 8;
// PaddleOCR normalises (v/255 - 0.5)/0.5: in TextRecognitionModel terms scale 1/127.5, mean 127.5. Padding
// with this grey is PaddleOCR's zero padding after normalisation.
const double kMean = 127.5;
const uchar kPad = 128;
// Strips are not stretched beyond this aspect ratio (width / height): longer ones are squeezed to it, which
// bounds the pieces read per strip (64 x 48 = 3072 px, 7 pieces of 640). No word or line the detector
// returns comes near it.
const int kMaxAspect = 64;

const char* kSetup = "run tools/install_recognizer.sh (or tools/prepare_recognizer.py) to install the recogniser";

bool isDir(const String& path)
{
    return utils::fs::isDirectory(path);
}

bool isFile(const String& path)
{
    return utils::fs::exists(path) && !utils::fs::isDirectory(path);
}

String dirOf(const String& path)
{
    size_t slash = path.find_last_of('/');
    return slash == String::npos ? String(".") : path.substr(0, slash);
}

/** The input width from the "_w<W>.onnx" at the end of a prepare_recognizer.py file name; 0 when none. */
int widthFromName(const String& path)
{
    const String suffix = ".onnx";
    size_t w = path.rfind("_w");
    if (w == String::npos || path.size() < suffix.size() ||
        path.compare(path.size() - suffix.size(), suffix.size(), suffix) != 0)
        return 0;
    String digits = path.substr(w + 2, path.size() - suffix.size() - (w + 2));
    if (digits.empty() || digits.size() > 5 || digits.find_first_not_of("0123456789") != String::npos)
        return 0;
    return std::atoi(digits.c_str());
}

std::vector<String> readVocabulary(const String& path)
{
    std::ifstream f(path.c_str(), std::ios::binary);
    if (!f.good() || isDir(path))
        CV_Error_(Error::StsObjectNotFound, ("TextReader: vocabulary %s not found: %s", path.c_str(), kSetup));
    std::vector<String> vocabulary;
    std::string line;
    while (std::getline(f, line))
    {
        if (!line.empty() && line.back() == '\r')
            line.pop_back();
        vocabulary.push_back(line);
    }
    // the last symbol is a space: only a trailing empty line (a final newline) is dropped, never " "
    while (!vocabulary.empty() && vocabulary.back().empty())
        vocabulary.pop_back();
    if (vocabulary.empty())
        CV_Error_(Error::StsParseError, ("TextReader: vocabulary %s is empty: %s", path.c_str(), kSetup));
    return vocabulary;
}

/** BGR, 8-bit, scaled to kHeight keeping the aspect ratio (at most kMaxAspect). */
Mat toRecognizerRow(const Mat& strip)
{
    Mat bgr;
    if (strip.channels() == 1)
        cvtColor(strip, bgr, COLOR_GRAY2BGR);
    else if (strip.channels() == 4)
        cvtColor(strip, bgr, COLOR_BGRA2BGR);
    else
        bgr = strip;
    int width = (int)std::lround((double)bgr.cols * kHeight / bgr.rows);
    width = std::max(kStride, std::min(width, kHeight * kMaxAspect));
    Mat row;
    resize(bgr, row, Size(width, kHeight), 0, 0, width < bgr.cols ? INTER_AREA : INTER_LINEAR);
    return row;
}

/** CTC greedy decoding of T x C float rows; confidence = mean probability of the emitted characters. */
String decodeGreedy(const Mat& rows, const std::vector<String>& vocabulary, float* confidence)
{
    String text;
    double sum = 0;
    int emitted = 0, previous = 0;
    for (int t = 0; t < rows.rows; ++t)
    {
        Point best;
        double p = 0;
        minMaxLoc(rows.row(t), 0, &p, 0, &best);
        const int k = best.x;
        if (k != 0 && k != previous)
        {
            text += vocabulary[k - 1];
            sum += p;
            ++emitted;
        }
        previous = k;
    }
    if (confidence)
        *confidence = emitted ? (float)(sum / emitted) : 0.f;
    return text;
}

class TextReaderImpl CV_FINAL : public TextReader
{
public:
    TextReaderImpl(const std::vector<std::pair<int, String> >& models, const String& vocabularyPath)
    {
        vocabulary_ = readVocabulary(vocabularyPath);
        for (size_t i = 0; i < models.size(); ++i)
        {
            const int width = models[i].first;
            const String& path = models[i].second;
            if (!isFile(path))
                CV_Error_(Error::StsObjectNotFound, ("TextReader: recogniser %s not found: %s", path.c_str(), kSetup));
            CV_CheckGT(width, 0, "TextReader: the model's input width must be positive");
            CV_CheckEQ(width % kStride, 0, "TextReader: the model's input width must be a multiple of 8");
            try
            {
                models_.push_back(dnn::TextRecognitionModel(path));
            }
            catch (const cv::Exception& e)
            {
                CV_Error_(Error::StsParseError, ("TextReader: %s is not a loadable ONNX recogniser (%s): %s",
                                                 path.c_str(), e.err.c_str(), kSetup));
            }
            dnn::TextRecognitionModel& model = models_.back();
            model.setDecodeType("CTC-greedy");
            model.setVocabulary(vocabulary_);
            model.setInputParams(1.0 / kMean, Size(width, kHeight), Scalar::all(kMean), false, false);
            widths_.push_back(width);
            // One blank run checks that the file is this recogniser: it runs at this width and has one class
            // per symbol plus the blank.
            Mat probs = predict((int)i, Mat(kHeight, width, CV_8UC3, Scalar::all(kPad)), path);
            if (probs.size[1] != (int)vocabulary_.size() + 1 || probs.size[0] != width / kStride)
                CV_Error_(Error::StsParseError,
                          ("TextReader: %s gives %d time steps x %d classes for width %d, expected %d x %d "
                           "(the vocabulary %s has %d symbols, plus the CTC blank)", path.c_str(), probs.size[0],
                           probs.size[1], width, width / kStride, (int)vocabulary_.size() + 1,
                           vocabularyPath.c_str(), (int)vocabulary_.size()));
        }
        // ascending widths: a strip takes the narrowest that holds it
        std::vector<int> order(widths_.size());
        for (size_t i = 0; i < order.size(); ++i)
            order[i] = (int)i;
        std::sort(order.begin(), order.end(), [this](int a, int b) { return widths_[a] < widths_[b]; });
        std::vector<dnn::TextRecognitionModel> models2;
        std::vector<int> widths2;
        for (int i : order)
        {
            models2.push_back(models_[i]);
            widths2.push_back(widths_[i]);
        }
        models_.swap(models2);
        widths_.swap(widths2);
    }

    String readWithConfidence(InputArray strip_, float& confidence) const CV_OVERRIDE
    {
        CV_TRACE_FUNCTION();
        confidence = 0.f;
        Mat strip = strip_.getMat();
        if (strip.empty() || strip.rows < 2 || strip.cols < 2)
            return String();
        CV_CheckDepthEQ(strip.depth(), CV_8U, "TextReader: strips must be 8-bit");
        CV_Check(strip.channels(), strip.channels() == 1 || strip.channels() == 3 || strip.channels() == 4,
                 "TextReader: strips must have 1, 3 (BGR) or 4 channels");
        if (!strip.isContinuous())
            strip = strip.clone();

        std::vector<Mat> candidates(1, toRecognizerRow(strip));
        if (strip.rows > strip.cols)
        {
            // A column (rectifyText's vertical text: the row turned 90 degrees clockwise). Turned back, it reads
            // rotated Latin; CJK columns keep their glyphs upright, so those are laid side by side instead.
            Mat back;
            rotate(strip, back, ROTATE_90_COUNTERCLOCKWISE);
            candidates.push_back(toRecognizerRow(back));
            candidates.push_back(glyphsSideBySide(strip));
        }
        String best;
        for (size_t i = 0; i < candidates.size(); ++i)
        {
            float c = 0.f;
            String text = readRow(candidates[i], c);
            if (i == 0 || c > confidence)
            {
                best = text;
                confidence = c;
            }
        }
        return best;
    }

    String read(InputArray strip) const CV_OVERRIDE
    {
        float confidence = 0.f;
        return readWithConfidence(strip, confidence);
    }

    void readAll(InputArrayOfArrays strips, std::vector<String>& texts) const CV_OVERRIDE
    {
        std::vector<Mat> mats;
        strips.getMatVector(mats);
        texts.resize(mats.size());
        for (size_t i = 0; i < mats.size(); ++i)
            texts[i] = read(mats[i]);
    }

    std::vector<int> getInputWidths() const CV_OVERRIDE { return widths_; }

private:
    /** The column scaled to width kHeight, cut into about square cells, the cells placed left to right. */
    static Mat glyphsSideBySide(const Mat& column)
    {
        Mat bgr = column;
        if (column.channels() == 1)
            cvtColor(column, bgr, COLOR_GRAY2BGR);
        else if (column.channels() == 4)
            cvtColor(column, bgr, COLOR_BGRA2BGR);
        const int height = std::min(kHeight * kMaxAspect,
                                    std::max(kHeight, (int)std::lround((double)bgr.rows * kHeight / bgr.cols)));
        Mat scaled;
        resize(bgr, scaled, Size(kHeight, height), 0, 0, INTER_AREA);
        const int cells = std::max(1, (int)std::lround((double)height / kHeight));
        Mat row(kHeight, kHeight * cells, CV_8UC3);
        for (int j = 0; j < cells; ++j)
        {
            const int y0 = j * height / cells, y1 = (j + 1) * height / cells;
            resize(scaled.rowRange(y0, y1), row.colRange(j * kHeight, (j + 1) * kHeight), Size(kHeight, kHeight),
                   0, 0, INTER_AREA);
        }
        return row;
    }

    Mat predict(int modelIndex, const Mat& input, const String& name = String()) const
    {
        std::vector<Mat> outs;
        try
        {
            models_[modelIndex].predict(input, outs);
        }
        catch (const cv::Exception& e)
        {
            CV_Error_(Error::StsError, ("TextReader: the recogniser %s failed on a %dx%d input (%s)", name.c_str(),
                                        input.cols, input.rows, e.err.c_str()));
        }
        CV_Assert(outs.size() == 1 && outs[0].type() == CV_32F && outs[0].total() > 0);
        const Mat& out = outs[0];
        // T x 1 x C (prepare_recognizer.py's time-major output) or T x C
        const int steps = out.size[0], classes = (int)(out.total() / steps);
        return out.reshape(1, std::vector<int>{steps, classes});
    }

    /** A row at kHeight: the narrowest width that holds it, or overlapping pieces of the widest. */
    String readRow(const Mat& row, float& confidence) const
    {
        size_t m = 0;
        while (m + 1 < widths_.size() && widths_[m] < row.cols)
            ++m;
        const int width = widths_[m];
        const int steps = width / kStride;
        // pieces overlap by a quarter of the width; each keeps the time steps up to the middle of its overlaps
        const int step = std::max(kStride, (width * 3 / 4) / kStride * kStride);
        const int margin = (steps - step / kStride) / 2;
        Mat probs;
        for (int x0 = 0;; x0 += step)
        {
            Mat piece(kHeight, width, CV_8UC3, Scalar::all(kPad));
            const int w = std::min(width, row.cols - x0);
            row.colRange(x0, x0 + w).copyTo(piece.colRange(0, w));
            Mat p = predict((int)m, piece);
            const bool first = x0 == 0, last = x0 + width >= row.cols;
            // the padded tail of the last piece is kept: its blanks are harmless
            const int from = first ? 0 : margin;
            const int to = last ? steps : step / kStride + margin;  // where the next piece's kept steps begin
            probs.push_back(p.rowRange(from, std::max(from, std::min(to, p.rows))));
            if (last)
                break;
        }
        return decode(probs, confidence);
    }

    String decode(const Mat& probs, float& confidence) const
    {
        return decodeGreedy(probs, vocabulary_, &confidence);
    }

    std::vector<String> vocabulary_;
    std::vector<dnn::TextRecognitionModel> models_;
    std::vector<int> widths_;
};

}  // namespace

TextReader::~TextReader() {}

String TextReader::defaultDir()
{
    const char* env = std::getenv("ADAPTIVETEXT_RECOGNIZER_DIR");
    if (env && *env)
        return String(env);
    const char* home = std::getenv("HOME");
    return String(home && *home ? home : ".") + "/.cache/adaptivetext-recognizer";
}

Ptr<TextReader> TextReader::create(const String& model_, const String& vocabulary)
{
    CV_TRACE_FUNCTION();
    const String model = model_.empty() ? defaultDir() : model_;
    std::vector<std::pair<int, String> > models;
    String dir;
    if (isDir(model))
    {
        dir = model;
        std::vector<String> files;
        glob(model + "/ppocrv4_rec_w*.onnx", files, false);
        for (size_t i = 0; i < files.size(); ++i)
            if (widthFromName(files[i]) > 0)
                models.push_back(std::make_pair(widthFromName(files[i]), files[i]));
        if (models.empty())
            CV_Error_(Error::StsObjectNotFound,
                      ("TextReader: no recogniser (ppocrv4_rec_w<W>.onnx) in %s: %s", model.c_str(), kSetup));
    }
    else
    {
        dir = dirOf(model);
        if (!isFile(model))
            CV_Error_(Error::StsObjectNotFound, ("TextReader: recogniser %s not found: %s", model.c_str(), kSetup));
        const int width = widthFromName(model);
        if (width <= 0)
            CV_Error_(Error::StsBadArg, ("TextReader: cannot tell the input width of %s: name it <name>_w<W>.onnx "
                                         "(W = its fixed input width, as tools/prepare_recognizer.py does)",
                                         model.c_str()));
        models.push_back(std::make_pair(width, model));
    }
    const String vocabularyPath = vocabulary.empty() ? dir + "/ppocrv4_rec_vocab.txt" : vocabulary;
    return makePtr<TextReaderImpl>(models, vocabularyPath);
}

String TextReader::decodeCTC(InputArray probabilities_, const std::vector<String>& vocabulary)
{
    Mat probs = probabilities_.getMat();
    if (probs.type() != CV_32FC1)
        CV_Error_(Error::StsBadArg, ("TextReader::decodeCTC: probabilities must be float32, not %s",
                                     typeToString(probs.type()).c_str()));
    if (!(probs.dims == 2 || (probs.dims == 3 && probs.size[1] == 1)))
        CV_Error(Error::StsBadArg, "TextReader::decodeCTC: probabilities must be T x C or T x 1 x C");
    const int steps = probs.size[0], classes = probs.size[probs.dims - 1];
    if (classes != (int)vocabulary.size() + 1)
        CV_Error_(Error::StsBadArg, ("TextReader::decodeCTC: %d classes for %d symbols: need one class per "
                                     "vocabulary symbol plus the blank (class 0)", classes, (int)vocabulary.size()));
    if (steps == 0)
        return String();
    Mat rows = probs.isContinuous() ? probs : probs.clone();
    return decodeGreedy(rows.reshape(1, steps), vocabulary, 0);
}

}  // namespace adaptivetext
}  // namespace cv
