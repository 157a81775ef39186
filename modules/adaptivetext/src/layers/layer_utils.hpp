// This file is part of OpenCV project.
// It is subject to the license terms in the LICENSE file found in the top-level directory
// of this distribution and at http://opencv.org/license.html.

// Helpers shared by the custom layers: contract-version check and attribute reading with clear errors.
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

}  // namespace detail
}  // namespace adaptivetext
}  // namespace cv

#endif
