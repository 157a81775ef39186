// This file is part of OpenCV project.
// It is subject to the license terms in the LICENSE file found in the top-level directory
// of this distribution and at http://opencv.org/license.html.

// Detects text in an image with the shipped line model, as a user of the installed package would.
#include <opencv2/adaptivetext.hpp>
#include <opencv2/imgcodecs.hpp>

#include <iostream>

int main(int argc, char** argv)
{
    const cv::Mat image = argc == 2 ? cv::imread(argv[1]) : cv::Mat();
    if (image.empty())
    {
        std::cerr << "usage: adaptivetext_consumer IMAGE (a readable image)" << std::endl;
        return 2;
    }
    cv::Ptr<cv::AdaptiveTextDetector> detector = cv::AdaptiveTextDetector::create("");
    std::vector<std::vector<cv::Point> > polygons;
    detector->detect(image, polygons);
    const cv::String model = cv::AdaptiveTextDetector::findModel("");
    std::cout << "model: " << model << "\n"
              << "verifier: " << detector->getVerifier() << "\n"
              << "polygons: " << polygons.size() << std::endl;
    return polygons.empty() ? 1 : 0;
}
