// This file is part of OpenCV project.
// It is subject to the license terms in the LICENSE file found in the top-level directory
// of this distribution and at http://opencv.org/license.html.

// Readers for the evaluator: ground truth in the uniform dataset format (../shared/datasets/README.md)
// and predictions as the samples app writes them.
#include "precomp.hpp"
#include "opencv2/adaptivetext/evaluation.hpp"

#include <opencv2/core/utils/filesystem.hpp>

#include <cstdlib>
#include <cstring>
#include <fstream>
#include <functional>
#include <set>
#include <sstream>

namespace cv {
namespace adaptivetext {

namespace {

String trim(const String& s)
{
    const size_t b = s.find_first_not_of(" \t\r\n");
    if (b == String::npos)
        return String();
    const size_t e = s.find_last_not_of(" \t\r\n");
    return s.substr(b, e - b + 1);
}

/** Strict number test: strtod alone would also take words like "nan" or "inf" from a transcription. */
bool parseNumber(const String& field, double& value)
{
    const String f = trim(field);
    if (f.empty() || !(std::isdigit((unsigned char)f[0]) || f[0] == '-' || f[0] == '+' || f[0] == '.'))
        return false;
    char* end = nullptr;
    value = std::strtod(f.c_str(), &end);
    return end == f.c_str() + f.size() && std::isfinite(value);
}

/** Lines without the UTF-8 byte order mark that Windows tools put at the start of a file. */
std::vector<String> splitLines(const String& text)
{
    static const char kBom[] = "\xEF\xBB\xBF";
    const size_t start = text.compare(0, 3, kBom) == 0 ? 3 : 0;
    std::vector<String> lines;
    std::istringstream in(text.substr(start));
    String line;
    while (std::getline(in, line))
        lines.push_back(line);
    return lines;
}

/** Comma-separated fields with the offset where each one starts (so a transcription keeps its commas). */
void splitFields(const String& line, std::vector<String>& fields, std::vector<size_t>& offsets)
{
    fields.clear();
    offsets.clear();
    size_t start = 0;
    while (true)
    {
        const size_t comma = line.find(',', start);
        offsets.push_back(start);
        fields.push_back(line.substr(start, comma == String::npos ? String::npos : comma - start));
        if (comma == String::npos)
            break;
        start = comma + 1;
    }
}

/** Calls `parse(lineIndex, line, fields, offsets)` for every non-blank line of a gt or detection file: the
 *  trimmed line, its comma-separated fields and where each field starts. */
void forEachRecord(const String& text, const std::function<void(size_t, const String&, const std::vector<String>&,
                                                                 const std::vector<size_t>&)>& parse)
{
    const std::vector<String> lines = splitLines(text);
    std::vector<String> fields;
    std::vector<size_t> offsets;
    for (size_t li = 0; li < lines.size(); ++li)
    {
        const String line = trim(lines[li]);
        if (line.empty())
            continue;
        splitFields(line, fields, offsets);
        parse(li, line, fields, offsets);
    }
}

std::vector<Point2f> toPolygon(const std::vector<double>& coords, size_t count)
{
    std::vector<Point2f> poly;
    for (size_t i = 0; i + 1 < count; i += 2)
        poly.push_back(Point2f((float)coords[i], (float)coords[i + 1]));
    return poly;
}

String lineContext(const String& name, size_t lineIndex)
{
    return "line " + std::to_string(lineIndex + 1) + " of '" + name + "'";
}

String readTextFile(const String& path)
{
    std::ifstream in(path.c_str(), std::ios::binary);
    if (!in)
        CV_Error(Error::StsError, "Cannot open '" + path + "'");
    std::ostringstream buf;
    buf << in.rdbuf();
    return buf.str();
}

/** File name without folder and without the last extension. */
String stem(const String& path)
{
    const size_t slash = path.find_last_of("/\\");
    const String file = slash == String::npos ? path : path.substr(slash + 1);
    const size_t dot = file.rfind('.');
    return dot == String::npos ? file : file.substr(0, dot);
}

bool hasImageExtension(const String& file)
{
    static const char* const kExtensions[] = {".jpg", ".JPG", ".jpeg", ".JPEG", ".png", ".PNG"};
    for (const char* ext : kExtensions)
    {
        const size_t n = std::strlen(ext);
        if (file.size() > n && file.compare(file.size() - n, n, ext) == 0)
            return true;
    }
    return false;
}

std::vector<String> textFiles(const String& dir)
{
    std::vector<String> files;
    utils::fs::glob(dir, "*.txt", files, false, false);
    std::sort(files.begin(), files.end());
    return files;
}

}  // namespace

ImageAnnotations parseGroundTruth(const String& text, const String& name)
{
    CV_TRACE_FUNCTION();
    ImageAnnotations result;
    result.name = name;
    forEachRecord(text, [&](size_t li, const String& line, const std::vector<String>& fields,
                            const std::vector<size_t>& offsets) {
        std::vector<double> coords;
        double v = 0;
        while (coords.size() < fields.size() && parseNumber(fields[coords.size()], v))
            coords.push_back(v);
        // An odd count of leading numbers: the last one is where a numeric transcription begins.
        const size_t numCoords = coords.size() & ~size_t(1);
        if (numCoords < 6)
            CV_Error(Error::StsParseError, lineContext(name, li) + ": expected at least 3 x,y pairs before the "
                     "transcription, found " + std::to_string(coords.size()) + " numbers");
        TextAnnotation inst;
        inst.polygon = toPolygon(coords, numCoords);
        inst.transcription = numCoords < fields.size() ? line.substr(offsets[numCoords]) : String();
        inst.dontCare = trim(inst.transcription) == "###";
        result.instances.push_back(inst);
    });
    return result;
}

/** Whether a field is an integer (the app writes coordinates so) or holds a decimal point (its score). */
bool isInteger(const String& field)
{
    const String f = trim(field);
    size_t start = (!f.empty() && (f[0] == '-' || f[0] == '+')) ? 1 : 0;
    return f.size() > start && f.find_first_not_of("0123456789", start) == String::npos;
}

ImageDetections parseDetections(const String& text, const String& name)
{
    CV_TRACE_FUNCTION();
    ImageDetections result;
    result.name = name;
    forEachRecord(text, [&](size_t li, const String& line, const std::vector<String>& fields,
                            const std::vector<size_t>& offsets) {
        // The samples app's --ocr line: integer coordinates, the score with a decimal point, then the text,
        // which may be empty, numeric or hold commas.
        size_t scoreAt = 0;
        while (scoreAt < fields.size() && isInteger(fields[scoreAt]))
            ++scoreAt;
        double score = 0;
        if (scoreAt >= 6 && scoreAt % 2 == 0 && scoreAt + 1 < fields.size() &&
            fields[scoreAt].find('.') != String::npos && parseNumber(fields[scoreAt], score))
        {
            std::vector<double> coords(scoreAt);
            for (size_t i = 0; i < scoreAt; ++i)
                parseNumber(fields[i], coords[i]);
            result.polygons.push_back(toPolygon(coords, scoreAt));
            result.scores.push_back((float)score);
            result.texts.push_back(line.substr(offsets[scoreAt + 1]));
            return;
        }
        std::vector<double> numbers(fields.size());
        for (size_t i = 0; i < fields.size(); ++i)
        {
            if (!parseNumber(fields[i], numbers[i]))
                CV_Error(Error::StsParseError, lineContext(name, li) + ": field " + std::to_string(i + 1) +
                         " ('" + fields[i] + "') is not a number; expected x1,y1,...,xn,yn,score (or, as the "
                         "samples app's --ocr writes, integer x1,...,yn, a score with a decimal point, text)");
        }
        // Odd count: the app's x1,y1,...,xn,yn,score; even: a polygon without score (ICDAR submissions).
        const size_t numCoords = numbers.size() & ~size_t(1);
        if (numCoords < 6)
            CV_Error(Error::StsParseError, lineContext(name, li) + ": a detection needs at least 3 x,y pairs, "
                     "found " + std::to_string(numCoords / 2));
        result.polygons.push_back(toPolygon(numbers, numCoords));
        result.scores.push_back(numCoords < numbers.size() ? (float)numbers.back() : 1.0f);
        result.texts.push_back(String());
    });
    return result;
}

std::vector<ImageAnnotations> readGroundTruthDir(const String& dir)
{
    CV_TRACE_FUNCTION();
    if (!utils::fs::isDirectory(dir))
        CV_Error(Error::StsBadArg, "Ground-truth folder '" + dir + "' does not exist");
    // A dataset split holds gt/ and images/; otherwise dir is the gt folder itself.
    const String gtDir = utils::fs::isDirectory(utils::fs::join(dir, "gt")) ? utils::fs::join(dir, "gt") : dir;
    std::vector<ImageAnnotations> result;
    std::set<String> names;
    for (const String& file : textFiles(gtDir))
    {
        result.push_back(parseGroundTruth(readTextFile(file), stem(file)));
        names.insert(result.back().name);
    }
    // Images of a split without a gt file hold no text; their detections are all false positives.
    const String imageDir = utils::fs::join(dir, "images");
    if (gtDir != dir && utils::fs::isDirectory(imageDir))
    {
        std::vector<String> images;
        utils::fs::glob(imageDir, "*", images, false, false);
        std::sort(images.begin(), images.end());
        for (const String& image : images)
        {
            if (hasImageExtension(image) && names.insert(stem(image)).second)
            {
                ImageAnnotations empty;
                empty.name = stem(image);
                result.push_back(empty);
            }
        }
    }
    if (result.empty())
        CV_Error(Error::StsBadArg, "No ground-truth .txt files in '" + gtDir + "'");
    return result;
}

std::vector<ImageDetections> readDetectionsDir(const String& dir)
{
    CV_TRACE_FUNCTION();
    if (!utils::fs::isDirectory(dir))
        CV_Error(Error::StsBadArg, "Prediction folder '" + dir + "' does not exist");
    std::vector<ImageDetections> result;
    for (const String& file : textFiles(dir))
    {
        String name = stem(file);
        // Tools that keep the image extension write NAME.jpg.txt; the image is still NAME.
        if (hasImageExtension(name))
            name = stem(name);
        result.push_back(parseDetections(readTextFile(file), name));
    }
    return result;
}

}  // namespace adaptivetext
}  // namespace cv
