// This file is part of OpenCV project.
// It is subject to the license terms in the LICENSE file found in the top-level directory
// of this distribution and at http://opencv.org/license.html.

// Helpers shared by the custom layers: contract-version check, attribute reading and input checks, each
// failing with a message that names the op and what is wrong.
#ifndef OPENCV_ADAPTIVETEXT_LAYER_UTILS_HPP
#define OPENCV_ADAPTIVETEXT_LAYER_UTILS_HPP

#include "../precomp.hpp"

namespace cv {
namespace adaptivetext {
namespace detail {

/** Refuses a node whose "version" attribute is missing or differs from OP_CONTRACT_VERSION. */
inline void checkContractVersion(const dnn::LayerParams& params, const char* op)
{
    if (!params.has("version"))
        CV_Error(Error::StsBadArg,
                 format("adaptivetext.%s: the node has no 'version' attribute; the model was not exported for "
                        "this module's op contract (doc/model_format.md)", op));
    const int version = params.get<int>("version");
    if (version != OP_CONTRACT_VERSION)
        CV_Error(Error::StsNotImplemented,
                 format("adaptivetext.%s: the model uses op contract version %d but this module implements "
                        "version %d; re-export the model with a matching training package or update the module",
                        op, version, (int)OP_CONTRACT_VERSION));
}

/** Reads a required attribute, failing with the op and attribute names. */
template <typename T>
T requiredParam(const dnn::LayerParams& params, const char* op, const char* key)
{
    if (!params.has(key))
        CV_Error(Error::StsBadArg, format("adaptivetext.%s: missing required attribute '%s'", op, key));
    return params.get<T>(key);
}

/** Reads a list attribute (ints or floats) as floats. */
inline std::vector<float> floatListParam(const dnn::LayerParams& params, const char* op, const char* key)
{
    if (!params.has(key))
        CV_Error(Error::StsBadArg, format("adaptivetext.%s: missing required attribute '%s'", op, key));
    const dnn::DictValue& v = params.get(key);
    std::vector<float> out(v.size());
    for (int i = 0; i < v.size(); ++i)
        out[i] = (float)v.get<double>(i);
    return out;
}

/** Refuses a call with another number of inputs than the op takes. `names` lists them for the message, e.g.
 *  "X [N,C,H,W] and rois [K,5]". getMemoryShapes (at import) and forward (at run time) both check. */
inline void checkInputCount(size_t count, size_t expected, const char* op, const char* names)
{
    if (count != expected)
        CV_Error(Error::StsBadArg, format("adaptivetext.%s: expects %zu input%s (%s), got %zu", op, expected,
                                          expected == 1 ? "" : "s", names, count));
}

/** Refuses a blob that is not float32: the layers compute in float32 only (FP16 inputs reach them through
 *  forward_fallback, which converts). `what` names the blob, e.g. "input X" or "weight W1". */
inline void checkFloat32(const Mat& blob, const char* op, const char* what)
{
    if (blob.type() != CV_32FC1)
        CV_Error(Error::StsUnsupportedFormat, format("adaptivetext.%s: %s must be float32, got %s", op, what,
                                                     typeToString(blob.type()).c_str()));
}

/** Refuses a 4-D map [N,C,H,W] without pixels at run time (at import 0 stands for a dynamic dim, so
 *  getMemoryShapes cannot check this): a 0 height or width would make the per-plane arithmetic divide by 0. */
inline void checkMapNotEmpty(const Mat& map, const char* op, const char* what)
{
    CV_Assert(map.dims == 4);
    if (map.size[2] <= 0 || map.size[3] <= 0)
        CV_Error(Error::StsBadSize, format("adaptivetext.%s: %s is empty (height %d, width %d)", op, what,
                                           map.size[2], map.size[3]));
}

/** The opening every layer's forward() shares. FP16 (OpenCL half floats, passed as CV_16S) goes through
 *  Layer::forward_fallback, which converts to float and calls forward() again; returns false then, as the
 *  outputs are already written. Otherwise fills the Mats and returns true. */
inline bool fetchFloatMats(dnn::Layer& layer, InputArrayOfArrays inputs_arr, OutputArrayOfArrays outputs_arr,
                           OutputArrayOfArrays internals_arr, std::vector<Mat>& inputs, std::vector<Mat>& outputs)
{
    if (inputs_arr.depth() == CV_16S)
    {
        layer.forward_fallback(inputs_arr, outputs_arr, internals_arr);
        return false;
    }
    inputs_arr.getMatVector(inputs);
    outputs_arr.getMatVector(outputs);
    return true;
}

}  // namespace detail
}  // namespace adaptivetext
}  // namespace cv

#endif
