// This file is part of OpenCV project.
// It is subject to the license terms in the LICENSE file found in the top-level directory
// of this distribution and at http://opencv.org/license.html.

#ifndef OPENCV_ADAPTIVETEXT_LAYERS_HPP
#define OPENCV_ADAPTIVETEXT_LAYERS_HPP

#include <opencv2/core.hpp>
#include <opencv2/dnn.hpp>

namespace cv {
namespace adaptivetext {

//! @addtogroup adaptivetext
//! @{

/** Version of the custom-op contract (doc/model_format.md). Every custom node of a model carries it as
 *  the `version` attribute; a layer refuses a node with another version. */
enum { OP_CONTRACT_VERSION = 1 };

/** ONNX domain of the custom ops. OpenCV 4.6 names the layer of a node "<domain>.<op_type>". */
#define CV_ADAPTIVETEXT_ONNX_DOMAIN "adaptivetext"

/** @brief Registers the custom cv::dnn layers (adaptivetext.SEBlock, .RoIAlign, .TextProposal,
 *  .PointPairDecoder) so that cv::dnn::readNet can load an adaptivetext model.
 *
 *  Idempotent and thread-safe: calling it again does nothing. cv::AdaptiveTextDetector::create calls it.
 */
CV_EXPORTS_W void registerLayers();

/** @brief Removes what registerLayers() added (for tests and plugins that unload). Idempotent. */
CV_EXPORTS void unregisterLayers();

/** @brief True when registerLayers() has been called and not undone. */
CV_EXPORTS_W bool layersRegistered();

/** @brief Loads an adaptivetext model: registers the layers, reads the ONNX file, and turns the importer's
 *  errors into messages that say what is wrong (missing file, not ONNX, not an adaptivetext model, another
 *  contract version, missing outputs).
 *
 *  @param model path of the .onnx file.
 *  @param fastCpuConvolutions when true, the 3x3 convolutions that FastConv3x3Layer runs get that layer instead
 *  of OpenCV's (about twice as fast on the CPU, same results to float rounding); the others stay OpenCV's.
 *  Use it only for a Net that runs on DNN_BACKEND_OPENCV with DNN_TARGET_CPU: on another backend (CUDA) those
 *  convolutions would fall back to the CPU. AdaptiveTextDetector decides this by itself. While the model is
 *  imported, this layer stands in for "Convolution" in cv::dnn::LayerFactory (the importer creates layers
 *  through it), so a Net that another thread imports at the same moment may get it too.
 */
CV_EXPORTS dnn::Net readModel(const String& model, bool fastCpuConvolutions = false);

/** @brief Same from a model held in memory. */
CV_EXPORTS dnn::Net readModelFromBuffer(const std::vector<uchar>& buffer, bool fastCpuConvolutions = false);

/** Fused squeeze-and-excitation (global average pool, FC, ReLU, FC, sigmoid, channel scale). */
class CV_EXPORTS SEBlockLayer : public dnn::Layer
{
public:
    static Ptr<dnn::Layer> create(dnn::LayerParams& params);
};

/** RoIAlign with torchvision's aligned=True convention; rows with batch < 0 are padding. */
class CV_EXPORTS RoIAlignLayer : public dnn::Layer
{
public:
    static Ptr<dnn::Layer> create(dnn::LayerParams& params);
};

/** Text-RPN decoding: anchors, box decode, clip, NMS, fixed-size padded output. */
class CV_EXPORTS TextProposalLayer : public dnn::Layer
{
public:
    static Ptr<dnn::Layer> create(dnn::LayerParams& params);
};

/** The LSTM point-pair decoder with per-RoI early stop. */
class CV_EXPORTS PointPairDecoderLayer : public dnn::Layer
{
public:
    /** RoIs whose text score is below this are skipped (no LSTM step is computed for them). In [0, 1], not NaN
        (else cv::Exception, StsOutOfRange). */
    virtual void setScoreThreshold(float threshold) = 0;
    virtual float getScoreThreshold() const = 0;
    static Ptr<dnn::Layer> create(dnn::LayerParams& params);
};

/** A direct 3x3 convolution for the CPU (AVX-512F, or AVX2 + FMA), standing in for OpenCV 4.6's Convolution where it fits:
 *  3x3 kernel, stride 1, padding = dilation (1 or 2), one group, output channels divisible by 8, float32.
 *  It fuses a following ReLU. NCHW float32 in and out; DNN_BACKEND_OPENCV only (doc/detector.md). */
class CV_EXPORTS FastConv3x3Layer : public dnn::Layer
{
public:
    /** True when this build has the kernels and the CPU runs one (AVX-512F, or AVX2 + FMA). The environment
     *  variable ADAPTIVETEXT_FAST_CONV_ISA=avx2 makes layers created afterwards use the AVX2 one on an AVX-512 CPU. */
    static bool isAvailable();
    /** True when `params` (a "Convolution" node as OpenCV's ONNX importer describes it) is one this layer runs. */
    static bool fits(const dnn::LayerParams& params);
    /** This layer when isAvailable() and fits(params); otherwise OpenCV's own dnn::ConvolutionLayer::create. */
    static Ptr<dnn::Layer> create(dnn::LayerParams& params);
};

//! @}

}  // namespace adaptivetext
}  // namespace cv

#endif  // OPENCV_ADAPTIVETEXT_LAYERS_HPP
