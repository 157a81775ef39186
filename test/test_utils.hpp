// This file is part of OpenCV project.
// It is subject to the license terms in the LICENSE file found in the top-level directory
// of this distribution and at http://opencv.org/license.html.

// Shared test helpers: .npy reading (reference data from tools/testdata/*.py), tolerance checks, paths,
// expected-exception messages, files as bytes, and running a layer or a test model directly.
#ifndef ADAPTIVETEXT_TEST_UTILS_HPP
#define ADAPTIVETEXT_TEST_UTILS_HPP

#include <opencv2/core.hpp>
#include <opencv2/dnn.hpp>
#include <functional>
#include <initializer_list>
#include <string>
#include <vector>

/** Checks that `text` contains `part`, printing both when it does not. */
#define CHECK_HAS(text, part) \
    BOOST_CHECK_MESSAGE((text).find(part) != std::string::npos, "expected \"" << (part) << "\" in: " << (text))

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

/** Fails the test (naming `what`) when max |out - ref| exceeds relTol times refScale(ref). */
void checkClose(const cv::Mat& out, const cv::Mat& ref, const std::string& what, double relTol = 1e-4);

/** The message of the cv::Exception that `f` throws; fails the test when it throws none. */
std::string errorOf(const std::function<void()>& f);

/** The same, and fails the test when the exception's code is not `expectedCode`. */
std::string errorOf(const std::function<void()>& f, int expectedCode);

/** A float32 blob of the given dims, every element `value`. */
cv::Mat blob(std::initializer_list<int> dims, float value = 0.f);

/** The whole file as bytes; fails the test when it cannot be opened. */
std::vector<uchar> readBytes(const std::string& path);

/** Writes bytes to a fresh temporary file that is removed when the object goes away. */
struct TempFile
{
    std::string path;
    explicit TempFile(const std::vector<uchar>& bytes);
    ~TempFile();
    TempFile(const TempFile&) = delete;
    TempFile& operator=(const TempFile&) = delete;
};

/** Loads test/data/<name>.onnx, feeds the inputs named in order, returns outputs by name. */
std::vector<cv::Mat> runModel(const std::string& onnxName, const std::vector<std::string>& inputNames,
                              const std::vector<cv::Mat>& inputs, const std::vector<std::string>& outputNames);

/** Registers the custom layers, runs runModel on float32 zeros of the given shapes and returns the message of
 *  the cv::Exception it throws (for models that must be refused). */
std::string errorOfModel(const std::string& onnxName, const std::vector<std::string>& inputNames,
                         const std::vector<std::vector<int> >& inputShapes, const std::vector<std::string>& outputNames);

/** LayerParams of a node named `name` of our op `op` (e.g. "RoIAlign"), contract version 1, no attributes yet. */
cv::dnn::LayerParams layerParams(const std::string& name, const std::string& op);

/** The output shapes a layer's getMemoryShapes gives for these input shapes. */
std::vector<cv::dnn::MatShape> outputShapes(const cv::Ptr<cv::dnn::Layer>& layer,
                                            const std::vector<cv::dnn::MatShape>& in);

/** Calls forward on a layer directly, with output blobs sized by getMemoryShapes and filled with 123 (and the
 *  internal blobs it asks for, filled with -77): garbage that the layer must overwrite. */
std::vector<cv::Mat> forwardLayer(const cv::Ptr<cv::dnn::Layer>& layer, const std::vector<cv::Mat>& in);

}  // namespace adaptivetext_test

#endif
