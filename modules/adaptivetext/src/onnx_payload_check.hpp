// This file is part of OpenCV project.
// It is subject to the license terms in the LICENSE file found in the top-level directory
// of this distribution and at http://opencv.org/license.html.

// Pre-validation of ONNX bytes against the tensor payload over-read of OpenCV 4.6's importer
// (doc/fuzzing.md, finding 1): getMatFromTensor() sizes a Mat from TensorProto.dims and copies that many
// elements out of raw_data (or float_data, ...) without checking that the payload holds them, so a file
// whose dims claim more than its payload makes readNetFromONNX read past a heap buffer. Upstream fixed it
// long after 4.6 (opencv/opencv PR 29314). readModel / readModelFromBuffer run this check first, together
// with a check for node inputs that nothing defines (finding 4: a null dereference in the same importer).
#ifndef OPENCV_ADAPTIVETEXT_ONNX_PAYLOAD_CHECK_HPP
#define OPENCV_ADAPTIVETEXT_ONNX_PAYLOAD_CHECK_HPP

#include "precomp.hpp"

namespace cv {
namespace adaptivetext {
namespace detail {

/** What is wrong with the first tensor (graph initializer or node attribute, in nested graphs too) whose
 *  payload holds fewer elements than its dims declare, or whose dims are outside 0..INT_MAX; empty when
 *  OpenCV 4.6 can import the bytes without that over-read. Malformed protobuf passes: the importer's
 *  parser refuses it before any tensor is read. */
std::string findShortTensorPayload(const uchar* data, size_t size);

/** What is wrong with the first node of the main graph that reads a name which no graph input,
 *  initializer or earlier node output defines; empty when there is none. OpenCV 4.6's importer
 *  dereferences a null pointer for a Conv whose weight input is such a name (doc/fuzzing.md, finding 4). */
std::string findUndefinedNodeInput(const uchar* data, size_t size);

/** The value of ModelProto.metadata_props[key] (the last entry of that key); false when there is none or the
 *  bytes are not a protobuf message up to that entry. OpenCV 4.6's importer does not expose the metadata. */
bool findMetadataProp(const uchar* data, size_t size, const std::string& key, std::string& value);

/** Throws cv::Exception(Error::StsUnsupportedFormat) naming `source` and the tensor or node when
 *  findShortTensorPayload() or findUndefinedNodeInput() finds something. */
void checkBeforeImport(const std::vector<uchar>& bytes, const std::string& source);

}  // namespace detail
}  // namespace adaptivetext
}  // namespace cv

#endif
