// This file is part of OpenCV project.
// It is subject to the license terms in the LICENSE file found in the top-level directory
// of this distribution and at http://opencv.org/license.html.

// How the samples app reads a detected polygon with --ocr: the polygon grown by a margin, rectified
// (cv::adaptivetext::rectifyText), and read by the recogniser (cv::adaptivetext::TextReader, the app's --ocr) or by
// Tesseract (cv::text::OCRTesseract, --ocr=tesseract) as one line, or for a column both as a vertical block and
// turned, keeping the surer reading.
//
// Why a copy of samples/text_reading.hpp: samples build on their own and tests do not include them, as in
// OpenCV. The reading is test code's measure of the detector's outlines, so the two must agree:
// recognition/samples_app_reads_the_arc_of_the_shipped_image compares this reader with the app's own output
// on the shipped sample image, and fails if they drift apart.
#ifndef ADAPTIVETEXT_TEST_STRIP_READER_HPP
#define ADAPTIVETEXT_TEST_STRIP_READER_HPP

#ifdef ADAPTIVETEXT_WITH_TEXT

#include <opencv2/adaptivetext.hpp>
#include <opencv2/imgproc.hpp>
#include <opencv2/text.hpp>

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

namespace adaptivetext_test {

class StripReader
{
public:
    /** @param language Tesseract languages, e.g. "eng" (Debian: tesseract-ocr-eng) */
    explicit StripReader(const std::string& language)
    {
        // An empty whitelist, not NULL: with NULL, OpenCV 4.6 sets a letters-and-digits whitelist without
        // the space, and Tesseract 5 then returns every line as one word with confidence 0.
        // PSM 7 = one text line (a strip); PSM 5 = one vertical block (a column of vertical text).
        line_ = cv::text::OCRTesseract::create(NULL, language.c_str(), "", cv::text::OEM_DEFAULT, 7);
        column_ = cv::text::OCRTesseract::create(NULL, language.c_str(), "", cv::text::OEM_DEFAULT, 5);
    }

    /** The app's default reader (--ocr): the recogniser, on the same strips; it must outlive this reader. */
    explicit StripReader(const cv::adaptivetext::TextReader& recognizer) : recognizer_(&recognizer) {}

    /** The text of one polygon ("" where it cannot be rectified), as the app writes it to NAME.txt. */
    std::string read(const cv::Mat& frame, const std::vector<cv::Point>& polygon) const
    {
        cv::Mat strip;
        try
        {
            cv::Mat plain;  // the app rectifies the polygon as detected first (its --rectify strip) and reads
            cv::adaptivetext::rectifyText(frame, polygon, plain);  // nothing where that fails
            cv::adaptivetext::rectifyText(frame, withMargins(polygon, frame.size()), strip);
        }
        catch (const cv::Exception&)
        {
            return std::string();
        }
        if (strip.empty())
            return std::string();
        if (recognizer_)
            return recognizer_->read(strip);
        cv::Mat gray;
        if (strip.channels() == 1)
            gray = strip;
        else
            cv::cvtColor(strip, gray, strip.channels() == 4 ? cv::COLOR_BGRA2GRAY : cv::COLOR_BGR2GRAY);
        if (gray.rows <= gray.cols)
            return readOne(gray, *line_).first;
        cv::Mat turned;
        cv::rotate(gray, turned, cv::ROTATE_90_COUNTERCLOCKWISE);
        const std::pair<std::string, float> upright = readOne(gray, *column_), line = readOne(turned, *line_);
        return upright.second >= line.second ? upright.first : line.first;
    }

private:
    /** The polygon grown by 10% of each pair's length across the text and 10% of the first/last pair's
     *  length along it, clipped to the image (Tesseract misses a glyph that touches the strip's border). */
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
            p = cv::Point2f(std::min(std::max(p.x, 0.f), size.width - 1.f),
                            std::min(std::max(p.y, 0.f), size.height - 1.f));
        return out;
    }

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
        for (char& c : out)
            if (c == '\n' || c == '\r' || c == '\f')
                c = ' ';
        const size_t first = out.find_first_not_of(' '), last = out.find_last_not_of(' ');
        return std::make_pair(first == std::string::npos ? std::string() : out.substr(first, last - first + 1),
                              confidence);
    }

    cv::Ptr<cv::text::OCRTesseract> line_, column_;
    const cv::adaptivetext::TextReader* recognizer_ = nullptr;
};

}  // namespace adaptivetext_test

#endif  // ADAPTIVETEXT_WITH_TEXT
#endif  // ADAPTIVETEXT_TEST_STRIP_READER_HPP
