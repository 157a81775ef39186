// This file is part of OpenCV project.
// It is subject to the license terms in the LICENSE file found in the top-level directory
// of this distribution and at http://opencv.org/license.html.

// Pre-validation of ONNX bytes against the tensor payload over-read of OpenCV 4.6's importer
// (doc/fuzzing.md, finding 1): getMatFromTensor() sizes a Mat from TensorProto.dims and copies that many
// elements out of raw_data (or float_data, ...) without checking that the payload holds them, so a model
// whose dims claim more than its payload makes readNetFromONNX read past a heap buffer. Fixed upstream long
// after 4.6 (opencv/opencv PR 29314). This walks the protobuf wire format (no ONNX schema needed, no
// allocation beyond small vectors) and reports the first tensor whose payload is shorter than its dims say.
// It is a prototype for cv::adaptivetext::readModel/readModelFromBuffer (proposed in doc/fuzzing.md); the
// fuzz harness uses it to tell this known OpenCV bug from new findings.
#ifndef ADAPTIVETEXT_FUZZ_ONNX_PAYLOAD_CHECK_HPP
#define ADAPTIVETEXT_FUZZ_ONNX_PAYLOAD_CHECK_HPP

#include <climits>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

namespace adaptivetext_fuzz {

// Field numbers of opencv/modules/dnn/src/onnx/opencv-onnx.proto (the same as onnx.proto).
enum : uint32_t
{
    MODEL_GRAPH = 7,
    GRAPH_NODE = 1, GRAPH_INITIALIZER = 5,
    NODE_ATTRIBUTE = 5,
    ATTR_T = 5, ATTR_G = 6, ATTR_TENSORS = 10, ATTR_GRAPHS = 11,
    TENSOR_DIMS = 1, TENSOR_DATA_TYPE = 2, TENSOR_FLOAT_DATA = 4, TENSOR_INT32_DATA = 5, TENSOR_INT64_DATA = 7,
    TENSOR_RAW_DATA = 9, TENSOR_DOUBLE_DATA = 10
};
enum : int { WIRE_VARINT = 0, WIRE_FIXED64 = 1, WIRE_BYTES = 2, WIRE_GROUP_START = 3, WIRE_GROUP_END = 4,
             WIRE_FIXED32 = 5 };
// TensorProto.DataType values OpenCV 4.6 loads.
enum : int { DT_FLOAT = 1, DT_UINT8 = 2, DT_INT8 = 3, DT_INT32 = 6, DT_INT64 = 7, DT_FLOAT16 = 10, DT_DOUBLE = 11 };

struct Bytes
{
    const uint8_t* begin;
    const uint8_t* end;
    size_t size() const { return (size_t)(end - begin); }
};

struct Field
{
    uint32_t number;
    int wire;
    uint64_t varint;  // WIRE_VARINT
    Bytes bytes;      // WIRE_BYTES
};

class WireReader
{
public:
    explicit WireReader(Bytes b) : p_(b.begin), end_(b.end) {}

    // False at the end or on malformed data (then protobuf refuses the message too, and OpenCV throws).
    bool next(Field& f)
    {
        uint64_t key;
        if (p_ == end_ || !varint(key) || (key >> 3) == 0 || (key >> 3) > UINT32_MAX)
            return false;
        f.number = (uint32_t)(key >> 3);
        f.wire = (int)(key & 7);
        switch (f.wire)
        {
        case WIRE_VARINT: return varint(f.varint);
        case WIRE_FIXED64: return skip(8);
        case WIRE_FIXED32: return skip(4);
        case WIRE_BYTES:
        {
            uint64_t len;
            if (!varint(len) || len > (uint64_t)(end_ - p_))
                return false;
            f.bytes = Bytes{ p_, p_ + len };
            p_ += len;
            return true;
        }
        case WIRE_GROUP_START: return skipGroup(f.number);
        default: return false;  // a stray group end or wire types 6, 7
        }
    }

    bool varint(uint64_t& v)
    {
        v = 0;
        for (int shift = 0; shift < 64; shift += 7)
        {
            if (p_ == end_)
                return false;
            const uint8_t b = *p_++;
            v |= (uint64_t)(b & 0x7f) << shift;
            if (!(b & 0x80))
                return true;
        }
        return false;
    }

    bool atEnd() const { return p_ == end_; }

private:
    bool skip(size_t n)
    {
        if ((size_t)(end_ - p_) < n)
            return false;
        p_ += n;
        return true;
    }

    // Deprecated groups still parse (as unknown fields), so they are skipped, not refused.
    bool skipGroup(uint32_t number)
    {
        // protobuf stops at 100 nested messages; the limit also keeps this recursion off the stack's end
        if (++groupDepth_ > 100)
            return false;
        for (;;)
        {
            uint64_t key;
            if (p_ == end_ || !varint(key))
                return false;
            if ((key & 7) == WIRE_GROUP_END)
            {
                --groupDepth_;
                return (key >> 3) == number;
            }
            if (!skipValue((int)(key & 7), (uint32_t)(key >> 3)))
                return false;
        }
    }

    bool skipValue(int wire, uint32_t number)
    {
        uint64_t v;
        switch (wire)
        {
        case WIRE_VARINT: return varint(v);
        case WIRE_FIXED64: return skip(8);
        case WIRE_FIXED32: return skip(4);
        case WIRE_BYTES: return varint(v) && v <= (uint64_t)(end_ - p_) && skip((size_t)v);
        case WIRE_GROUP_START: return skipGroup(number);
        default: return false;
        }
    }

    const uint8_t* p_;
    const uint8_t* end_;
    int groupDepth_ = 0;
};

// Count of varints in a packed field; -1 when malformed.
inline int64_t countPackedVarints(Bytes b)
{
    WireReader r(b);
    int64_t n = 0;
    uint64_t v;
    while (!r.atEnd())
    {
        if (!r.varint(v))
            return -1;
        ++n;
    }
    return n;
}

// What protobuf would hand OpenCV for one TensorProto (repeated fields concatenated, last scalar wins).
struct TensorSummary
{
    std::vector<int64_t> dims;
    int dataType = 0;
    size_t rawBytes = 0;
    int64_t floatCount = 0, int32Count = 0, int64Count = 0, doubleCount = 0;
    bool malformed = false;
};

inline TensorSummary summarizeTensor(Bytes b)
{
    TensorSummary t;
    WireReader r(b);
    Field f;
    while (r.next(f))
    {
        const bool packed = f.wire == WIRE_BYTES;
        switch (f.number)
        {
        case TENSOR_DIMS:
            if (f.wire == WIRE_VARINT)
                t.dims.push_back((int64_t)f.varint);
            else if (packed)
            {
                WireReader d(f.bytes);
                uint64_t v;
                while (!d.atEnd())
                {
                    if (!d.varint(v))
                        { t.malformed = true; return t; }
                    t.dims.push_back((int64_t)v);
                }
            }
            break;
        case TENSOR_DATA_TYPE:
            if (f.wire == WIRE_VARINT)
                t.dataType = (int)f.varint;
            break;
        case TENSOR_RAW_DATA:
            if (packed)
                t.rawBytes = f.bytes.size();
            break;
        case TENSOR_FLOAT_DATA:
            t.floatCount += packed ? (int64_t)(f.bytes.size() / 4) : (f.wire == WIRE_FIXED32 ? 1 : 0);
            break;
        case TENSOR_DOUBLE_DATA:
            t.doubleCount += packed ? (int64_t)(f.bytes.size() / 8) : (f.wire == WIRE_FIXED64 ? 1 : 0);
            break;
        case TENSOR_INT32_DATA:
        case TENSOR_INT64_DATA:
        {
            const int64_t n = packed ? countPackedVarints(f.bytes) : (f.wire == WIRE_VARINT ? 1 : 0);
            if (n < 0)
                { t.malformed = true; return t; }
            (f.number == TENSOR_INT32_DATA ? t.int32Count : t.int64Count) += n;
            break;
        }
        default:
            break;
        }
    }
    t.malformed = !r.atEnd();
    return t;
}

// Elements OpenCV 4.6's getMatFromTensor reads for this data type, and how many the payload holds.
inline std::string checkTensor(const TensorSummary& t)
{
    if (t.malformed)
        return std::string();  // protobuf refuses the whole model; OpenCV throws before any copy
    const bool anyPayload = t.rawBytes || t.floatCount || t.doubleCount || t.int64Count || t.int32Count;
    if (!anyPayload)
        return std::string();  // OpenCV returns an empty Mat without reading
    int64_t declared = 1;
    for (int64_t d : t.dims)
    {
        if (d < 0 || d > INT_MAX)  // OpenCV narrows dims to int: a wrapped size must not reach the copy
            return "a tensor has dimension " + std::to_string(d) + " (must be 0 .. INT_MAX)";
        declared = (d != 0 && declared > INT64_MAX / d) ? INT64_MAX : declared * d;
    }
    int64_t available;
    switch (t.dataType)
    {
    case DT_FLOAT: available = t.floatCount ? t.floatCount : (int64_t)(t.rawBytes / 4); break;
    case DT_FLOAT16: available = t.int32Count ? t.int32Count : (int64_t)(t.rawBytes / 2); break;
    case DT_DOUBLE: available = t.doubleCount ? t.doubleCount : (int64_t)(t.rawBytes / 8); break;
    case DT_INT32: available = t.int32Count ? t.int32Count : (int64_t)(t.rawBytes / 4); break;
    case DT_INT64: available = t.int64Count ? t.int64Count : (int64_t)(t.rawBytes / 8); break;
    case DT_INT8:
    case DT_UINT8: available = t.int32Count ? t.int32Count : (int64_t)t.rawBytes; break;
    default: return std::string();  // OpenCV logs "Unsupported data type" and reads nothing
    }
    if (available >= declared)
        return std::string();
    char msg[160];
    std::snprintf(msg, sizeof(msg), "a tensor of data type %d declares %lld elements but its payload holds %lld",
                  t.dataType, (long long)declared, (long long)available);
    return msg;
}

inline std::string checkGraph(Bytes graph, int depth);

// Singular message fields that occur more than once are merged by protobuf, which is the same as parsing
// their bytes concatenated; so they are collected and checked as one.
inline std::string checkAttribute(Bytes attr, int depth)
{
    WireReader r(attr);
    Field f;
    std::vector<uint8_t> t, g;
    bool hasT = false, hasG = false;
    while (r.next(f))
    {
        if (f.wire != WIRE_BYTES)
            continue;
        std::string err;
        if (f.number == ATTR_T)
            hasT = true, t.insert(t.end(), f.bytes.begin, f.bytes.end);
        else if (f.number == ATTR_G)
            hasG = true, g.insert(g.end(), f.bytes.begin, f.bytes.end);
        else if (f.number == ATTR_TENSORS)
            err = checkTensor(summarizeTensor(f.bytes));
        else if (f.number == ATTR_GRAPHS)
            err = checkGraph(f.bytes, depth + 1);
        if (!err.empty())
            return err;
    }
    if (hasT)
    {
        const std::string err = checkTensor(summarizeTensor(Bytes{ t.data(), t.data() + t.size() }));
        if (!err.empty())
            return err;
    }
    return hasG ? checkGraph(Bytes{ g.data(), g.data() + g.size() }, depth + 1) : std::string();
}

inline std::string checkGraph(Bytes graph, int depth)
{
    if (depth > 32)
        return "graphs are nested more than 32 deep";
    WireReader r(graph);
    Field f;
    while (r.next(f))
    {
        if (f.wire != WIRE_BYTES)
            continue;
        std::string err;
        if (f.number == GRAPH_INITIALIZER)
            err = checkTensor(summarizeTensor(f.bytes));
        else if (f.number == GRAPH_NODE)
        {
            WireReader n(f.bytes);
            Field a;
            while (err.empty() && n.next(a))
                if (a.number == NODE_ATTRIBUTE && a.wire == WIRE_BYTES)
                    err = checkAttribute(a.bytes, depth);
        }
        if (!err.empty())
            return err;
    }
    return std::string();
}

/** Empty when OpenCV 4.6 can import the bytes without the tensor payload over-read; otherwise what is
 *  wrong. Malformed protobuf passes (the parser refuses it before any tensor is read). */
inline std::string findShortTensorPayload(const uint8_t* data, size_t size)
{
    WireReader r(Bytes{ data, data + size });
    Field f;
    std::vector<uint8_t> graph;
    while (r.next(f))
        if (f.number == MODEL_GRAPH && f.wire == WIRE_BYTES)
            graph.insert(graph.end(), f.bytes.begin, f.bytes.end);
    return checkGraph(Bytes{ graph.data(), graph.data() + graph.size() }, 0);
}

}  // namespace adaptivetext_fuzz

#endif
