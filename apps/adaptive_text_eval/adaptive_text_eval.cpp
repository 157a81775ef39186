// This file is part of OpenCV project.
// It is subject to the license terms in the LICENSE file found in the top-level directory
// of this distribution and at http://opencv.org/license.html.

// Command-line evaluator: per-image counts, then one JSON line with the whole-set numbers (last line, so
// scripts can take `tail -n 1`). Exit codes: 0 done, 1 a failure (unreadable input, or the standard output
// could not be written), 2 a bad option.
#include "../../samples/sample_utils.hpp"  // checked output and option checks, shared with the samples

#include <opencv2/core.hpp>
#include <opencv2/adaptivetext/evaluation.hpp>

#include <iomanip>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

namespace adaptivetext_app = adaptivetext_sample;

namespace {

const char* const kKeys =
    "{ help h     |         | print this help }"
    "{ gt         |         | ground truth: a dataset split folder (gt/ and images/) or a folder of NAME.txt }"
    "{ pred       |         | predictions: folder of NAME.txt, one detection a line x1,y1,...,xn,yn,score (e2e: the samples app's --ocr lines, x1,y1,...,xn,yn,score,text) }"
    "{ protocol   | icdar15 | icdar15, deteval, ctw1500, or e2e (end to end: IoU > 0.5 one-to-one and the text equals the transcription, case-insensitive, letters and digits) }";

std::string toJson(const cv::adaptivetext::EvaluationResult& r, int imagesWithoutPrediction)
{
    std::ostringstream out;
    out << std::setprecision(10) << "{\"precision\":" << r.precision << ",\"recall\":" << r.recall
        << ",\"hmean\":" << r.hmean << ",\"matched\":" << r.matchedGt << ",\"matched_det\":" << r.matchedDet
        << ",\"gt_care\":" << r.gtCare << ",\"gt_dontcare\":" << r.gtDontCare << ",\"det\":" << r.det
        << ",\"det_dontcare\":" << r.detDontCare << ",\"images\":" << r.images.size()
        << ",\"images_without_prediction\":" << imagesWithoutPrediction << ",\"protocol\":\"" << r.protocol
        << "\"}";
    return out.str();
}

}  // namespace

int main(int argc, char** argv)
{
    // the documented `--gt DIR --pred DIR --protocol P` form
    const adaptivetext_app::JoinedArgs args(argc, argv, {"--gt", "--pred", "--protocol", "-gt", "-pred", "-protocol"});
    cv::CommandLineParser parser(args.argc(), args.argv(), kKeys);
    parser.about("Scores text detections against ground truth with an official protocol.");
    if (parser.has("help") || !parser.has("gt") || !parser.has("pred"))
    {
        parser.printMessage();
        return parser.has("help") ? 0 : adaptivetext_app::EXIT_USAGE;
    }
    const cv::String gtDir = parser.get<cv::String>("gt");
    const cv::String predDir = parser.get<cv::String>("pred");
    const cv::String protocol = parser.get<cv::String>("protocol");
    if (!adaptivetext_app::parsedCleanly(parser))
        return adaptivetext_app::EXIT_USAGE;
    if (protocol != "icdar15" && protocol != "deteval" && protocol != "ctw1500" && protocol != "e2e")
        return adaptivetext_app::usageError(parser, "--protocol=" + protocol + " is not one of icdar15, deteval, ctw1500, e2e");
    try
    {
        const cv::adaptivetext::EvaluationResult r = cv::adaptivetext::evaluateDetections(
            cv::adaptivetext::readGroundTruthDir(gtDir), cv::adaptivetext::readDetectionsDir(predDir), protocol);
        int withoutPrediction = 0;
        for (const cv::adaptivetext::ImageEvaluation& im : r.images)
        {
            std::cout << im.name << ": gt_care=" << im.gtCare << " gt_dontcare=" << im.gtDontCare
                      << " det=" << im.det << " det_dontcare=" << im.detDontCare << " matched=" << im.matchedGt
                      << " matched_det=" << im.matchedDet;
            if (!im.hasPrediction)
            {
                std::cout << " (no prediction file: counted as no detections)";
                ++withoutPrediction;
            }
            std::cout << "\n";
        }
        if (withoutPrediction > 0)
            std::cout << withoutPrediction << " of " << r.images.size()
                      << " images have no prediction file and count as having no detections\n";
        std::cout << toJson(r, withoutPrediction) << std::endl;
    }
    catch (const cv::Exception& e)
    {
        std::cerr << "adaptive_text_eval: " << e.err << std::endl;
        return 1;
    }
    // The results are the standard output: a run that could not write them has failed.
    return adaptivetext_app::stdoutWritten() ? 0 : 1;
}
