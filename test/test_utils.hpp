// This file is part of OpenCV project.
// It is subject to the license terms in the LICENSE file found in the top-level directory
// of this distribution and at http://opencv.org/license.html.

// Shared test helpers: .npy reading (reference data from tools/testdata/*.py), tolerance checks, paths.
#ifndef ADAPTIVETEXT_TEST_UTILS_HPP
#define ADAPTIVETEXT_TEST_UTILS_HPP

#include <opencv2/core.hpp>
#include <opencv2/dnn.hpp>
#include <string>
#include <vector>

namespace adaptivetext_test {

/** Directory holding the generated reference data (test/data), overridable with ADAPTIVETEXT_TEST_DATA. */
std::string dataDir();
/** dataDir() + "/" + name. */
std::string dataPath(const std::string& name);

/** Reads a little-endian float32 or int64/int32 (converted to float32) C-order .npy file into an N-d Mat. */
cv::Mat readNpy(const std::string& path);

/** Max |a - b| over all elements; shapes (dims and sizes) must match or the test fails. */
double maxAbsDiff(const cv::Mat& a, const cv::Mat& b);

/** max(1, max |ref|): tolerances are "1e-4 of the reference scale". */
double refScale(const cv::Mat& ref);

/** Loads test/data/<name>.onnx, feeds the inputs named in order, returns outputs by name. */
std::vector<cv::Mat> runModel(const std::string& onnxName, const std::vector<std::string>& inputNames,
                              const std::vector<cv::Mat>& inputs, const std::vector<std::string>& outputNames);

}  // namespace adaptivetext_test

#endif
