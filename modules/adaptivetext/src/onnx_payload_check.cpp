// This file is part of OpenCV project.
// It is subject to the license terms in the LICENSE file found in the top-level directory
// of this distribution and at http://opencv.org/license.html.

// A walk over the protobuf wire format (no ONNX schema or protobuf library needed). It also reads
// ModelProto.metadata_props, which OpenCV 4.6's importer does not expose (the model settings, doc/model_format.md).
// ModelProto.graph →
// GraphProto.initializer and every node attribute's t / tensors / g / graphs, recursively. For each tensor
// it applies the element count that OpenCV 4.6's getMatFromTensor() copies for its data type and compares
// it with what the payload holds. A second walk checks that every node input of the main graph is defined
// before the node reads it (doc/fuzzing.md, finding 4).
#include "precomp.hpp"
#include "onnx_payload_check.hpp"

#include <climits>
#include <cstdint>
#include <set>

namespace cv {
namespace adaptivetext {
namespace detail {

namespace {

// Field numbers of OpenCV's modules/dnn/src/onnx/opencv-onnx.proto (the same as onnx.proto).
enum : uint32_t
{
    MODEL_GRAPH = 7, MODEL_METADATA_PROPS = 14, ENTRY_KEY = 1, ENTRY_VALUE = 2,
    GRAPH_NODE = 1, GRAPH_INITIALIZER = 5,
    GRAPH_INPUT = 11, VALUE_INFO_NAME = 1,
    NODE_INPUT = 1, NODE_OUTPUT = 2, NODE_NAME = 3, NODE_OP_TYPE = 4, NODE_ATTRIBUTE = 5,
    ATTR_NAME = 1, ATTR_T = 5, ATTR_G = 6, ATTR_TENSORS = 10, ATTR_GRAPHS = 11,
    TENSOR_DIMS = 1, TENSOR_DATA_TYPE = 2, TENSOR_FLOAT_DATA = 4, TENSOR_INT32_DATA = 5, TENSOR_INT64_DATA = 7,
    TENSOR_NAME = 8, TENSOR_RAW_DATA = 9, TENSOR_DOUBLE_DATA = 10
};
enum : int { WIRE_VARINT = 0, WIRE_FIXED64 = 1, WIRE_BYTES = 2, WIRE_GROUP_START = 3, WIRE_GROUP_END = 4,
             WIRE_FIXED32 = 5 };
// TensorProto.DataType values that OpenCV 4.6 loads; it logs an error and reads nothing for the others.
enum : int { DT_FLOAT = 1, DT_UINT8 = 2, DT_INT8 = 3, DT_INT32 = 6, DT_INT64 = 7, DT_FLOAT16 = 10, DT_DOUBLE = 11 };

// protobuf refuses messages nested deeper than 100; the limit also keeps the recursion off the stack's end.
const int kMaxNesting = 100;

struct Bytes
{
    const uchar* begin;
    const uchar* end;
    size_t size() const { return (size_t)(end - begin); }
    std::string str() const { return std::string((const char*)begin, size()); }
};

struct Field
{
    uint32_t number = 0;
    int wire = 0;
    uint64_t varint = 0;                   // when wire == WIRE_VARINT
    Bytes bytes = Bytes{ nullptr, nullptr };  // when wire == WIRE_BYTES
};

class WireReader
{
public:
    explicit WireReader(const Bytes& b) : p_(b.begin), end_(b.end), groupDepth_(0) {}

    // False at the end or on malformed data (protobuf then refuses the whole message, and OpenCV throws).
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
            f.bytes.begin = p_;
            f.bytes.end = p_ + len;
            p_ += len;
            return true;
        }
        case WIRE_GROUP_START: return skipGroup(f.number);
        default: return false;  // a stray group end, or the unused wire types 6 and 7
        }
    }

    bool varint(uint64_t& v)
    {
        v = 0;
        for (int shift = 0; shift < 64; shift += 7)
        {
            if (p_ == end_)
                return false;
            const uchar b = *p_++;
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
        if (++groupDepth_ > kMaxNesting)
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

    const uchar* p_;
    const uchar* end_;
    int groupDepth_;
};

// Number of varints in a packed field; -1 when malformed.
int64_t countPackedVarints(const Bytes& b)
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

// What protobuf hands OpenCV for one TensorProto: repeated fields concatenated, the last singular one wins.
struct TensorSummary
{
    std::string name;
    std::vector<int64_t> dims;
    int dataType = 0;
    size_t rawBytes = 0;
    int64_t floatCount = 0, int32Count = 0, int64Count = 0, doubleCount = 0;
    bool malformed = false;
};

TensorSummary summarizeTensor(const Bytes& b)
{
    TensorSummary t;
    WireReader r(b);
    Field f;
    while (r.next(f))
    {
        // Repeated scalars may come packed (one length-delimited field) or one per field.
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
                    {
                        t.malformed = true;
                        return t;
                    }
                    t.dims.push_back((int64_t)v);
                }
            }
            break;
        case TENSOR_DATA_TYPE:
            if (f.wire == WIRE_VARINT)
                t.dataType = (int)f.varint;
            break;
        case TENSOR_NAME:
            if (packed)
                t.name = f.bytes.str();
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
            {
                t.malformed = true;
                return t;
            }
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

// `where` says where the tensor sits when it has no name (a node attribute).
std::string describe(const TensorSummary& t, const std::string& where)
{
    return t.name.empty() ? "an unnamed tensor " + where : "tensor '" + t.name + "'";
}

// The element count OpenCV 4.6's getMatFromTensor copies for this data type against what the payload holds.
std::string checkTensor(const TensorSummary& t, const std::string& where)
{
    if (t.malformed)
        return std::string();  // protobuf refuses the whole model; OpenCV throws before any copy
    const bool anyPayload = t.rawBytes || t.floatCount || t.doubleCount || t.int64Count || t.int32Count;
    if (!anyPayload)
        return std::string();  // OpenCV returns an empty Mat without reading
    int64_t declared = 1;
    for (size_t i = 0; i < t.dims.size(); ++i)
    {
        const int64_t d = t.dims[i];
        // OpenCV narrows dims to int: a wrapped size must not reach the copy.
        if (d < 0 || d > INT_MAX)
            return format("%s has dimension %lld (must be 0 .. INT_MAX)", describe(t, where).c_str(), (long long)d);
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
    return format("%s (data type %d) declares %lld elements but its data holds %lld", describe(t, where).c_str(),
                  t.dataType, (long long)declared, (long long)available);
}

std::string checkGraph(const Bytes& graph, int depth);

std::string asBytesCheckGraph(const std::vector<uchar>& g, int depth)
{
    const Bytes b = { g.data(), g.data() + g.size() };
    return checkGraph(b, depth);
}

// A singular message field that occurs more than once is merged by protobuf, which is the same as parsing
// the occurrences' bytes concatenated; so t and g are collected and checked once at the end.
std::string checkAttribute(const Bytes& attr, const std::string& nodeName, int depth)
{
    WireReader r(attr);
    Field f;
    std::vector<uchar> t, g;
    bool hasT = false, hasG = false;
    std::string attrName;
    std::vector<Bytes> tensors;
    while (r.next(f))
    {
        if (f.wire != WIRE_BYTES)
            continue;
        if (f.number == ATTR_NAME)
            attrName = f.bytes.str();
        else if (f.number == ATTR_T)
            hasT = true, t.insert(t.end(), f.bytes.begin, f.bytes.end);
        else if (f.number == ATTR_G)
            hasG = true, g.insert(g.end(), f.bytes.begin, f.bytes.end);
        else if (f.number == ATTR_TENSORS)
            tensors.push_back(f.bytes);
        else if (f.number == ATTR_GRAPHS)
        {
            const std::string err = checkGraph(f.bytes, depth + 1);
            if (!err.empty())
                return err;
        }
    }
    // The attribute's name may follow its tensors, so they are checked once it is known.
    const std::string where = "in attribute '" + attrName + "' of node '" + nodeName + "'";
    for (size_t i = 0; i < tensors.size(); ++i)
    {
        const std::string err = checkTensor(summarizeTensor(tensors[i]), where);
        if (!err.empty())
            return err;
    }
    if (hasT)
    {
        const Bytes b = { t.data(), t.data() + t.size() };
        const std::string err = checkTensor(summarizeTensor(b), where);
        if (!err.empty())
            return err;
    }
    return hasG ? asBytesCheckGraph(g, depth + 1) : std::string();
}

std::string checkNode(const Bytes& node, int depth)
{
    std::string name;
    std::vector<Bytes> attributes;
    WireReader r(node);
    Field f;
    while (r.next(f))
    {
        if (f.wire != WIRE_BYTES)
            continue;
        if (f.number == NODE_NAME)
            name = f.bytes.str();
        else if (f.number == NODE_ATTRIBUTE)
            attributes.push_back(f.bytes);
    }
    for (size_t i = 0; i < attributes.size(); ++i)
    {
        const std::string err = checkAttribute(attributes[i], name, depth);
        if (!err.empty())
            return err;
    }
    return std::string();
}

std::string checkGraph(const Bytes& graph, int depth)
{
    if (depth > kMaxNesting)
        return format("graphs are nested more than %d deep", kMaxNesting);
    WireReader r(graph);
    Field f;
    while (r.next(f))
    {
        if (f.wire != WIRE_BYTES)
            continue;
        std::string err;
        if (f.number == GRAPH_INITIALIZER)
            err = checkTensor(summarizeTensor(f.bytes), "among the graph's initializers");
        else if (f.number == GRAPH_NODE)
            err = checkNode(f.bytes, depth);
        if (!err.empty())
            return err;
    }
    return std::string();
}

// ModelProto.graph is a singular message: several occurrences are merged, as in checkAttribute.
std::vector<uchar> mainGraph(const uchar* data, size_t size)
{
    std::vector<uchar> graph;
    if (!data || size == 0)
        return graph;
    const Bytes model = { data, data + size };
    WireReader r(model);
    Field f;
    while (r.next(f))
        if (f.number == MODEL_GRAPH && f.wire == WIRE_BYTES)
            graph.insert(graph.end(), f.bytes.begin, f.bytes.end);
    return graph;
}

// Name of a TensorProto or ValueInfoProto (both keep it in a length-delimited field).
std::string nameField(const Bytes& message, uint32_t number)
{
    std::string name;
    WireReader r(message);
    Field f;
    while (r.next(f))
        if (f.number == number && f.wire == WIRE_BYTES)
            name = f.bytes.str();
    return name;
}

}  // namespace

bool findMetadataProp(const uchar* data, size_t size, const std::string& key, std::string& value)
{
    if (!data || size == 0)
        return false;
    const Bytes model = { data, data + size };
    WireReader r(model);
    Field f;
    bool found = false;
    while (r.next(f))
    {
        if (f.number != MODEL_METADATA_PROPS || f.wire != WIRE_BYTES)
            continue;
        // StringStringEntryProto: key = 1, value = 2; a repeated key: the last entry wins, as in onnx.
        std::string k, v;
        WireReader e(f.bytes);
        Field g;
        while (e.next(g))
        {
            if (g.wire != WIRE_BYTES)
                continue;
            if (g.number == ENTRY_KEY)
                k = g.bytes.str();
            else if (g.number == ENTRY_VALUE)
                v = g.bytes.str();
        }
        if (k == key)
        {
            value = v;
            found = true;
        }
    }
    return found;
}

std::string findShortTensorPayload(const uchar* data, size_t size)
{
    CV_TRACE_FUNCTION();
    return asBytesCheckGraph(mainGraph(data, size), 0);
}

std::string findUndefinedNodeInput(const uchar* data, size_t size)
{
    CV_TRACE_FUNCTION();
    const std::vector<uchar> graphBytes = mainGraph(data, size);
    const Bytes graph = { graphBytes.data(), graphBytes.data() + graphBytes.size() };
    // Graph inputs and initializers may come after the nodes in the bytes, so they are collected first.
    std::set<std::string> defined;
    std::vector<Bytes> nodes;
    WireReader r(graph);
    Field f;
    while (r.next(f))
    {
        if (f.wire != WIRE_BYTES)
            continue;
        if (f.number == GRAPH_INITIALIZER)
            defined.insert(nameField(f.bytes, TENSOR_NAME));
        else if (f.number == GRAPH_INPUT)
            defined.insert(nameField(f.bytes, VALUE_INFO_NAME));
        else if (f.number == GRAPH_NODE)
            nodes.push_back(f.bytes);
    }
    // ONNX requires the nodes in topological order, and OpenCV 4.6 imports them in that order.
    for (size_t i = 0; i < nodes.size(); ++i)
    {
        std::vector<std::string> inputs, outputs;
        std::string name, opType;
        WireReader n(nodes[i]);
        while (n.next(f))
        {
            if (f.wire != WIRE_BYTES)
                continue;
            if (f.number == NODE_INPUT)
                inputs.push_back(f.bytes.str());
            else if (f.number == NODE_OUTPUT)
                outputs.push_back(f.bytes.str());
            else if (f.number == NODE_NAME)
                name = f.bytes.str();
            else if (f.number == NODE_OP_TYPE)
                opType = f.bytes.str();
        }
        for (size_t k = 0; k < inputs.size(); ++k)
            if (!inputs[k].empty() && !defined.count(inputs[k]))  // "" marks an omitted optional input
                return format("node '%s' (%s) reads '%s', which no graph input, initializer or earlier node "
                              "defines", name.c_str(), opType.c_str(), inputs[k].c_str());
        defined.insert(outputs.begin(), outputs.end());
    }
    return std::string();
}

void checkBeforeImport(const std::vector<uchar>& bytes, const std::string& source)
{
    std::string err = findShortTensorPayload(bytes.data(), bytes.size());
    if (!err.empty())
        CV_Error(Error::StsUnsupportedFormat,
                 format("adaptivetext::readModel: the %s is corrupt: %s; OpenCV 4.6 would read past the tensor's "
                        "data, so it is refused: re-export or re-download the model", source.c_str(), err.c_str()));
    err = findUndefinedNodeInput(bytes.data(), bytes.size());
    if (!err.empty())
        CV_Error(Error::StsUnsupportedFormat,
                 format("adaptivetext::readModel: the %s is corrupt: %s; OpenCV 4.6 can crash on such a graph, so "
                        "it is refused: re-export or re-download the model", source.c_str(), err.c_str()));
}

}  // namespace detail
}  // namespace adaptivetext
}  // namespace cv
