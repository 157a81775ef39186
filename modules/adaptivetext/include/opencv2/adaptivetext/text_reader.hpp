// This file is part of OpenCV project.
// It is subject to the license terms in the LICENSE file found in the top-level directory
// of this distribution and at http://opencv.org/license.html.

#ifndef OPENCV_ADAPTIVETEXT_TEXT_READER_HPP
#define OPENCV_ADAPTIVETEXT_TEXT_READER_HPP

#include <opencv2/core.hpp>

#include <vector>

namespace cv {
namespace adaptivetext {

//! @addtogroup adaptivetext
//! @{

/** @brief Reads the text of rectified strips (rectifyText(), AdaptiveTextDetector::detectAndRectify()) with a
CTC scene-text recogniser run by cv::dnn::TextRecognitionModel.

The recogniser is PaddleOCR's PP-OCRv4 (Chinese and English, 6623 characters plus space), made loadable by
OpenCV 4.6 with tools/prepare_recognizer.py (installed by tools/install_recognizer.sh); it is not shipped
with the module. Each strip is scaled to height 48 keeping its aspect ratio and padded on the right with
grey (0 after PaddleOCR's normalisation) up to the narrowest installed input width that holds it, so short
words are not stretched. A strip wider than the widest input is read in pieces of that width that overlap
by a quarter; the time steps of each piece's overlapping margins are dropped and the probabilities joined
before one CTC greedy decoding, so nothing is squeezed. A strip taller than wide (a vertical line as
rectifyText() returns it) is read both turned back to a row and as its upright glyphs laid side by side
(CJK columns), and the more confident reading is kept.
*/
class CV_EXPORTS_W TextReader
{
public:
    virtual ~TextReader();

    /** @brief Loads the recogniser.
    @param model an ONNX file written by tools/prepare_recognizer.py (its input width is read from the
           `_w<W>` in its name), or a folder: every `ppocrv4_rec_w<W>.onnx` in it. "" = the folder
           $ADAPTIVETEXT_RECOGNIZER_DIR, else ~/.cache/adaptivetext-recognizer.
    @param vocabulary the symbols of classes 1..N, one per line (class 0 is the CTC blank); "" =
           ppocrv4_rec_vocab.txt beside the model
    @throws cv::Exception (StsObjectNotFound) naming the path and the setup command when a file is missing;
            (StsParseError) when a file is not a loadable ONNX model or the vocabulary does not match the
            model's number of classes
    */
    CV_WRAP static Ptr<TextReader> create(const String& model = String(), const String& vocabulary = String());

    /** @brief The folder create() uses for "": $ADAPTIVETEXT_RECOGNIZER_DIR, else ~/.cache/adaptivetext-recognizer. */
    CV_WRAP static String defaultDir();

    /** @brief Reads one strip, with how sure the recogniser is.
    @param strip 8-bit image, 1, 3 (BGR) or 4 channels; empty or smaller than 2x2 pixels reads as ""
    @param confidence mean over the emitted characters of their probability (1 = certain); 0 for ""
    @return the text, UTF-8
    */
    CV_WRAP virtual String readWithConfidence(InputArray strip, CV_OUT float& confidence) const = 0;

    /** @brief Reads one strip (as readWithConfidence()). */
    CV_WRAP virtual String read(InputArray strip) const = 0;

    /** @brief Reads every strip (as read()); texts[i] is strips[i]'s. */
    CV_WRAP virtual void readAll(InputArrayOfArrays strips, CV_OUT std::vector<String>& texts) const = 0;

    /** @brief The installed input widths, ascending. */
    CV_WRAP virtual std::vector<int> getInputWidths() const = 0;

    /** @brief CTC greedy decoding, as cv::dnn::TextRecognitionModel's "CTC-greedy": per time step the most
    probable class; repeats merge unless a blank (class 0) separates them; blanks are dropped; class k > 0
    is vocabulary[k-1].
    @param probabilities T x C or T x 1 x C float32 (time-major, the recogniser's output), C =
           vocabulary.size() + 1
    @param vocabulary the symbols of classes 1..C-1
    @throws cv::Exception (StsBadArg) for another type or shape, or C != vocabulary.size() + 1
    */
    CV_WRAP static String decodeCTC(InputArray probabilities, const std::vector<String>& vocabulary);
};

//! @}

}  // namespace adaptivetext
}  // namespace cv

#endif  // OPENCV_ADAPTIVETEXT_TEXT_READER_HPP
