// This file is part of OpenCV project.
// It is subject to the license terms in the LICENSE file found in the top-level directory
// of this distribution and at http://opencv.org/license.html.

// --rectify and --ocr of the samples app: each detected polygon becomes a straight strip
// (cv::adaptivetext::rectifyText), written as NAME_k.png and/or read, by default with the scene-text recogniser
// (cv::adaptivetext::TextReader: PP-OCRv4 on cv::dnn, Chinese and English, installed by
// tools/install_recognizer.sh), or with cv::text::OCRTesseract (--ocr=tesseract), which is compiled only where
// OpenCV has the text module (ADAPTIVETEXT_WITH_TEXT, set by samples/CMakeLists.txt).
#ifndef ADAPTIVETEXT_SAMPLES_TEXT_READING_HPP
#define ADAPTIVETEXT_SAMPLES_TEXT_READING_HPP

#include <opencv2/adaptivetext.hpp>
#include <opencv2/core/utils/filesystem.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#ifdef ADAPTIVETEXT_WITH_TEXT
#include <opencv2/text.hpp>
#endif

#include <iostream>
#include <utility>
#include <string>
#include <vector>

#include "sample_utils.hpp"

namespace text_reading {

/** The readers of --ocr. */
enum OcrEngine
{
    OCR_OFF,
    OCR_RECOGNIZER,  //!< --ocr: cv::adaptivetext::TextReader
    OCR_TESSERACT    //!< --ocr=tesseract
};

/** Whether this build can read with Tesseract (--ocr=tesseract). */
inline bool ocrAvailable()
{
#ifdef ADAPTIVETEXT_WITH_TEXT
    return true;
#else
    return false;
#endif
}

class StripReader
{
public:
    /** @param language Tesseract languages, e.g. "eng" or "eng+chi_sim" (Debian: tesseract-ocr-eng, -chi-sim)
     *  @param recognizer TextReader::create's model argument ("" = the installed recogniser) */
    StripReader(bool writeStrips, OcrEngine engine, const std::string& language, const std::string& recognizer = "")
        : writeStrips_(writeStrips), ocr_(engine != OCR_OFF)
    {
        // A missing or corrupt recogniser is a cv::Exception that names the file and the setup command.
        if (engine == OCR_RECOGNIZER)
            recognizer_ = cv::adaptivetext::TextReader::create(recognizer);
#ifdef ADAPTIVETEXT_WITH_TEXT
        if (engine == OCR_TESSERACT)
        {
            // An empty whitelist, not NULL: with NULL, OpenCV 4.6 sets a letters-and-digits whitelist without
            // the space, and Tesseract 5 then returns every line as one word with confidence 0.
            // PSM 7 = one text line (a strip); PSM 5 = one vertical block (a column of vertical text).
            line_ = createTesseract(language, 7);
            column_ = createTesseract(language, 5);
        }
#else
        (void)language;
        CV_Assert(engine != OCR_TESSERACT && "--ocr=tesseract needs OpenCV's text module");
#endif
    }

    bool enabled() const { return writeStrips_ || ocr_; }

    /** Rectifies every polygon; writes dir/name_k.png when asked; returns the recognised texts (OCR) or
     *  nothing. */
    std::vector<std::string> run(const cv::Mat& frame, const std::vector<std::vector<cv::Point> >& polygons,
                                 const std::string& dir, const std::string& name) const
    {
        std::vector<std::string> texts;
        for (size_t k = 0; k < polygons.size(); ++k)
        {
            cv::Mat strip, withMargin;
            try
            {
                cv::adaptivetext::rectifyText(frame, polygons[k], strip);
                if (ocr_)
                    cv::adaptivetext::rectifyText(frame, withMargins(polygons[k], frame.size()), withMargin);
            }
            catch (const cv::Exception& e)
            {
                std::cerr << name << ": polygon " << k << " cannot be rectified: " << e.err << std::endl;
            }
            if (writeStrips_ && !dir.empty() && !strip.empty())
                adaptivetext_sample::writeImageOrThrow(  // a lost strip is a failed run, not a silent gap
                    cv::utils::fs::join(dir, cv::format("%s_%d.png", name.c_str(), (int)k)), strip);
            if (ocr_)
                texts.push_back(withMargin.empty() ? std::string() : read(withMargin));
        }
        return texts;
    }

private:
    /** The polygon grown by 10% of each pair's length across the text and 10% of the first/last pair's
     *  length along it, clipped to the image: detections hug the ink or cut the first and last glyphs a
     *  little, and Tesseract misses a glyph that touches the strip's border (the recogniser, trained on
     *  PaddleOCR's crops, which its detector grows by half, reads these margins well too). */
    static std::vector<cv::Point2f> withMargins(const std::vector<cv::Point>& poly, cv::Size size)
    {
        const int n = (int)poly.size() / 2;
        std::vector<cv::Point2f> top(n), bottom(n);
        for (int i = 0; i < n; ++i)
        {
            const cv::Point2f t(poly[i]), b(poly[2 * n - 1 - i]);
            top[i] = t + 0.1f * (t - b);
            bottom[i] = b + 0.1f * (b - t);
        }
        for (int end = 0; end < 2; ++end)
        {
            const int i = end == 0 ? 0 : n - 1, j = end == 0 ? 1 : n - 2;  // outward = from pair j to pair i
            const cv::Point2f dir = 0.5f * (top[i] + bottom[i]) - 0.5f * (top[j] + bottom[j]);
            const float len = (float)cv::norm(dir);
            if (len < 1e-3f)
                continue;
            const cv::Point2f shift = dir * (0.1f * (float)cv::norm(top[i] - bottom[i]) / len);
            top[i] += shift;
            bottom[i] += shift;
        }
        std::vector<cv::Point2f> out(top);
        out.insert(out.end(), bottom.rbegin(), bottom.rend());
        for (cv::Point2f& p : out)
            p = cv::Point2f(std::min(std::max(p.x, 0.f), size.width - 1.f), std::min(std::max(p.y, 0.f), size.height - 1.f));
        return out;
    }

#ifdef ADAPTIVETEXT_WITH_TEXT
    static cv::Ptr<cv::text::OCRTesseract> createTesseract(const std::string& language, int psm)
    {
        try
        {
            return cv::text::OCRTesseract::create(NULL, language.c_str(), "", cv::text::OEM_DEFAULT, psm);
        }
        catch (...)  // OpenCV 4.6 throws a bare int when Tesseract cannot load the language data
        {
            CV_Error(cv::Error::StsError, "Tesseract cannot load the language data '" + language +
                                              "' (Debian: apt-get install tesseract-ocr-eng tesseract-ocr-chi-sim)");
        }
    }
#endif

    std::string read(const cv::Mat& strip) const
    {
        if (recognizer_)
            return recognizer_->read(strip);  // rows, columns (vertical text) and long lines alike
#ifdef ADAPTIVETEXT_WITH_TEXT
        cv::Mat gray;
        if (strip.channels() == 1)
            gray = strip;
        else
            cv::cvtColor(strip, gray, strip.channels() == 4 ? cv::COLOR_BGRA2GRAY : cv::COLOR_BGR2GRAY);
        if (gray.rows <= gray.cols)
            return readOne(gray, *line_).first;
        // A column (rectifyText's vertical text): upright glyphs of vertical CJK, read as a vertical block, or
        // a Latin line reading downwards whose glyphs turned with it, read turned back. Keep the reading that
        // Tesseract is surer of.
        cv::Mat turned;
        cv::rotate(gray, turned, cv::ROTATE_90_COUNTERCLOCKWISE);
        const std::pair<std::string, float> upright = readOne(gray, *column_), line = readOne(turned, *line_);
        return upright.second >= line.second ? upright.first : line.first;
#else
        (void)strip;
        return std::string();
#endif
    }

#ifdef ADAPTIVETEXT_WITH_TEXT
    /** Text (one line, trimmed) and mean word confidence of one reading. */
    static std::pair<std::string, float> readOne(const cv::Mat& gray, cv::text::OCRTesseract& ocr)
    {
        // Tesseract reads best with the text 30-40 px high and a margin around it.
        const bool column = gray.rows > gray.cols;
        const int across = column ? gray.cols : gray.rows;
        const double scale = across < 48 ? 48.0 / across : 1.0;
        cv::Mat big, padded;
        cv::resize(gray, big, cv::Size(), scale, scale, cv::INTER_CUBIC);
        const int pad = std::max(4, cvRound(across * scale / 4));
        cv::copyMakeBorder(big, padded, pad, pad, pad, pad, cv::BORDER_REPLICATE);
        std::string out;
        std::vector<cv::Rect> boxes;
        std::vector<std::string> words;
        std::vector<float> confidences;
        ocr.run(padded, out, &boxes, &words, &confidences, cv::text::OCR_LEVEL_WORD);
        float confidence = 0;
        for (float c : confidences)
            confidence += c / confidences.size();
        // One line for NAME.txt: newlines become spaces, no surrounding blanks.
        for (char& c : out)
            if (c == '\n' || c == '\r' || c == '\f')
                c = ' ';
        const size_t first = out.find_first_not_of(' '), last = out.find_last_not_of(' ');
        return std::make_pair(first == std::string::npos ? std::string() : out.substr(first, last - first + 1),
                              confidence);
    }
#endif

    bool writeStrips_, ocr_;
    cv::Ptr<cv::adaptivetext::TextReader> recognizer_;
#ifdef ADAPTIVETEXT_WITH_TEXT
    cv::Ptr<cv::text::OCRTesseract> line_, column_;
#endif
};

}  // namespace text_reading

#endif  // ADAPTIVETEXT_SAMPLES_TEXT_READING_HPP
