// This file is part of OpenCV project.
// It is subject to the license terms in the LICENSE file found in the top-level directory
// of this distribution and at http://opencv.org/license.html.

// readModel / readModelFromBuffer refuse ONNX files whose tensors hold less data than their dims declare,
// before OpenCV 4.6's importer reads past the data (doc/fuzzing.md, finding 1), and graphs whose nodes read
// names that nothing defines (finding 4, a crash in the same importer). The corrupt models are the
// fuzzer's reproducer and protobuf bytes written by hand below; every generated test model must still pass.
#include "test_utils.hpp"

#include <opencv2/adaptivetext.hpp>

#include <boost/test/unit_test.hpp>

#include <functional>

namespace {

using namespace adaptivetext_test;

const char* const kCorruptMarker = "is corrupt";

// The message of f's exception, which must be a cv::Exception with StsUnsupportedFormat.
std::string formatError(const std::function<void()>& f)
{
    return errorOf(f, cv::Error::StsUnsupportedFormat);
}

std::string bufferError(const std::vector<uchar>& bytes)
{
    return formatError([&] { cv::adaptivetext::readModelFromBuffer(bytes); });
}

// Protobuf wire format by hand (https://protobuf.dev/programming-guides/encoding/): a field is the varint
// key (number << 3 | wire type) followed by a varint (type 0) or a varint length and the bytes (type 2).
std::vector<uchar> varint(uint64_t v)
{
    std::vector<uchar> out;
    do
    {
        out.push_back((uchar)((v & 0x7f) | (v > 0x7f ? 0x80 : 0)));
        v >>= 7;
    } while (v);
    return out;
}

std::vector<uchar> varintField(int number, uint64_t v)
{
    std::vector<uchar> out = varint((uint64_t)number << 3);
    const std::vector<uchar> value = varint(v);
    out.insert(out.end(), value.begin(), value.end());
    return out;
}

std::vector<uchar> bytesField(int number, const std::vector<uchar>& bytes)
{
    std::vector<uchar> out = varint(((uint64_t)number << 3) | 2);
    const std::vector<uchar> len = varint(bytes.size());
    out.insert(out.end(), len.begin(), len.end());
    out.insert(out.end(), bytes.begin(), bytes.end());
    return out;
}

std::vector<uchar> text(const std::string& s) { return std::vector<uchar>(s.begin(), s.end()); }

std::vector<uchar> cat(const std::vector<std::vector<uchar> >& parts)
{
    std::vector<uchar> out;
    for (const std::vector<uchar>& p : parts)
        out.insert(out.end(), p.begin(), p.end());
    return out;
}

// onnx.proto field numbers: TensorProto dims 1, data_type 2, float_data 4, name 8, raw_data 9;
// NodeProto output 2, name 3, op_type 4, attribute 5; AttributeProto name 1, t 5, type 20;
// GraphProto node 1, initializer 5; ModelProto ir_version 1, graph 7. Data type 1 is FLOAT.
std::vector<uchar> floatTensor(const std::vector<int64_t>& dims, const std::string& name, int rawBytes,
                               int floatCount = 0)
{
    std::vector<std::vector<uchar> > parts;
    for (int64_t d : dims)
        parts.push_back(varintField(1, (uint64_t)d));  // a negative dim is its 10-byte two's complement
    parts.push_back(varintField(2, 1));
    if (!name.empty())
        parts.push_back(bytesField(8, text(name)));
    if (rawBytes > 0)
        parts.push_back(bytesField(9, std::vector<uchar>((size_t)rawBytes, 0)));
    if (floatCount > 0)
        parts.push_back(bytesField(4, std::vector<uchar>((size_t)floatCount * 4, 0)));  // packed floats
    return cat(parts);
}

std::vector<uchar> modelWithGraph(const std::vector<uchar>& graph)
{
    return cat({ varintField(1, 7), bytesField(7, graph) });
}

std::vector<uchar> modelWithInitializer(const std::vector<uchar>& tensor)
{
    return modelWithGraph(bytesField(5, tensor));
}

}  // namespace

BOOST_AUTO_TEST_SUITE(onnx_payload_check)

BOOST_AUTO_TEST_CASE(fuzzer_reproducer_is_refused_by_path_buffer_and_detector)
{
    // tiny_detector_foreign.onnx with the initializer 'w' declaring dims [2,3,33,1] = 198 floats over a
    // raw_data of 24 bytes = 6 floats.
    const std::string path =
        std::string(ADAPTIVETEXT_SOURCE_DIR) + "/fuzz/crashes/model_bytes-opencv_tensor_payload_overread.onnx";
    const std::vector<uchar> bytes = readBytes(path);
    BOOST_REQUIRE_EQUAL(bytes.size(), 252u);

    const std::string fromFile = formatError([&] { cv::adaptivetext::readModel(path); });
    CHECK_HAS(fromFile, "model file '" + path + "'");
    CHECK_HAS(fromFile, kCorruptMarker);
    CHECK_HAS(fromFile, "tensor 'w'");
    CHECK_HAS(fromFile, "declares 198 elements but its data holds 6");

    const std::string fromBuffer = bufferError(bytes);
    CHECK_HAS(fromBuffer, "model buffer of 252 bytes");
    CHECK_HAS(fromBuffer, "tensor 'w'");
    CHECK_HAS(fromBuffer, "declares 198 elements but its data holds 6");

    CHECK_HAS(formatError([&] { cv::AdaptiveTextDetector::create(path); }), "tensor 'w'");
}

BOOST_AUTO_TEST_CASE(short_raw_data_and_float_data_by_hand)
{
    // dims [4]: 4 floats declared; 8 bytes of raw_data hold 2.
    CHECK_HAS(bufferError(modelWithInitializer(floatTensor({ 4 }, "a", 8))),
              "tensor 'a' (data type 1) declares 4 elements but its data holds 2");
    // dims [2,3]: 6 declared; 3 packed float_data values (float_data wins over raw_data in OpenCV 4.6).
    CHECK_HAS(bufferError(modelWithInitializer(floatTensor({ 2, 3 }, "b", 24, 3))),
              "tensor 'b' (data type 1) declares 6 elements but its data holds 3");
}

BOOST_AUTO_TEST_CASE(negative_dimension_by_hand)
{
    CHECK_HAS(bufferError(modelWithInitializer(floatTensor({ -1, 2 }, "neg", 8))),
              "tensor 'neg' has dimension -1");
}

BOOST_AUTO_TEST_CASE(unnamed_tensor_of_a_constant_node_by_hand)
{
    // Constant node 'c' whose attribute 'value' (type 4 = TENSOR) holds an unnamed tensor: dims [3,3] = 9
    // floats declared, raw_data of 4 bytes = 1.
    const std::vector<uchar> attribute =
        cat({ bytesField(1, text("value")), bytesField(5, floatTensor({ 3, 3 }, "", 4)), varintField(20, 4) });
    const std::vector<uchar> node = cat({ bytesField(2, text("y")), bytesField(3, text("c")),
                                          bytesField(4, text("Constant")), bytesField(5, attribute) });
    const std::string msg = bufferError(modelWithGraph(bytesField(1, node)));
    CHECK_HAS(msg, "an unnamed tensor in attribute 'value' of node 'c'");
    CHECK_HAS(msg, "declares 9 elements but its data holds 1");
}

BOOST_AUTO_TEST_CASE(undefined_node_input_is_refused)
{
    // doc/fuzzing.md, finding 4: the fuzzer's mutation of tiny_detector_foreign.onnx that lost the
    // initializer 'w' and renamed the Conv's data input 'image' to 'gmaie' (OpenCV 4.6 segfaults on it).
    const std::string path =
        std::string(ADAPTIVETEXT_SOURCE_DIR) + "/fuzz/crashes/model_bytes-opencv_undefined_conv_weight_segv.onnx";
    const std::string fromFile = formatError([&] { cv::adaptivetext::readModel(path); });
    CHECK_HAS(fromFile, kCorruptMarker);
    CHECK_HAS(fromFile, "node 'conv' (Conv) reads 'gmaie'");

    // By hand: graph input 'x' (GraphProto.input 11, ValueInfoProto.name 1); Relu 'r' reads 'x' (defined)
    // and writes 'y'; Conv 'c' reads 'y' and 'w', which nothing defines. NodeProto.input is field 1.
    const std::vector<uchar> relu = cat({ bytesField(1, text("x")), bytesField(2, text("y")),
                                          bytesField(3, text("r")), bytesField(4, text("Relu")) });
    const std::vector<uchar> conv = cat({ bytesField(1, text("y")), bytesField(1, text("w")),
                                          bytesField(2, text("z")), bytesField(3, text("c")),
                                          bytesField(4, text("Conv")) });
    const std::vector<uchar> input = bytesField(11, bytesField(1, text("x")));
    const std::string msg = bufferError(modelWithGraph(cat({ bytesField(1, relu), bytesField(1, conv), input })));
    CHECK_HAS(msg, "node 'c' (Conv) reads 'w'");
    // The same nodes in the wrong order: 'r' runs after 'c', so 'y' is not defined yet when 'c' reads it.
    CHECK_HAS(bufferError(modelWithGraph(cat({ input, bytesField(1, conv), bytesField(1, relu) }))),
              "node 'c' (Conv) reads 'y'");
}

BOOST_AUTO_TEST_CASE(every_generated_test_model_passes)
{
    std::vector<cv::String> models;
    cv::glob(dataDir() + "/*.onnx", models, false);
    BOOST_REQUIRE_GE(models.size(), 60u);  // the generators of tools/testdata write about 65
    int loaded = 0;
    for (const cv::String& path : models)
    {
        // Some models are refused on purpose (foreign ops, wrong contract version), never as corrupt.
        try
        {
            cv::adaptivetext::readModel(path);
            ++loaded;
        }
        catch (const cv::Exception& e)
        {
            BOOST_CHECK_MESSAGE(std::string(e.what()).find(kCorruptMarker) == std::string::npos,
                                path << " was refused as corrupt: " << e.what());
        }
        try
        {
            cv::adaptivetext::readModelFromBuffer(readBytes(path));
        }
        catch (const cv::Exception& e)
        {
            BOOST_CHECK_MESSAGE(std::string(e.what()).find(kCorruptMarker) == std::string::npos,
                                path << " (as a buffer) was refused as corrupt: " << e.what());
        }
    }
    // tiny_detector.onnx at least is a complete adaptivetext model.
    BOOST_CHECK_GE(loaded, 1);
}

BOOST_AUTO_TEST_SUITE_END()
