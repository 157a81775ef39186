// This file is part of OpenCV project.
// It is subject to the license terms in the LICENSE file found in the top-level directory
// of this distribution and at http://opencv.org/license.html.

#include "test_utils.hpp"

#include <opencv2/adaptivetext.hpp>
#include <opencv2/dnn/shape_utils.hpp>

#include <boost/test/unit_test.hpp>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iterator>

namespace adaptivetext_test {

std::string dataDir()
{
    const char* env = std::getenv("ADAPTIVETEXT_TEST_DATA");
    return env && *env ? std::string(env) : std::string(ADAPTIVETEXT_TEST_DATA_DIR);
}

std::string dataPath(const std::string& name) { return dataDir() + "/" + name; }

// The .npy header is a Python dict literal: {'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }
static std::string headerField(const std::string& header, const std::string& key)
{
    size_t p = header.find("'" + key + "'");
    if (p == std::string::npos)
        throw std::runtime_error("npy header has no " + key);
    p = header.find(':', p) + 1;
    while (header[p] == ' ')
        ++p;
    size_t e;
    if (header[p] == '(')
        e = header.find(')', p) + 1;
    else if (header[p] == '\'')
        e = header.find('\'', p + 1) + 1;
    else
        e = header.find_first_of(",}", p);
    return header.substr(p, e - p);
}

cv::Mat readNpy(const std::string& path)
{
    std::ifstream f(path, std::ios::binary);
    if (!f)
        throw std::runtime_error("cannot open " + path);
    char magic[6];
    f.read(magic, 6);
    if (std::memcmp(magic, "\x93NUMPY", 6) != 0)
        throw std::runtime_error(path + " is not a .npy file");
    unsigned char ver[2];
    f.read(reinterpret_cast<char*>(ver), 2);
    uint32_t hlen = 0;
    if (ver[0] == 1)
    {
        unsigned char b[2];
        f.read(reinterpret_cast<char*>(b), 2);
        hlen = b[0] | (b[1] << 8);
    }
    else
    {
        unsigned char b[4];
        f.read(reinterpret_cast<char*>(b), 4);
        hlen = b[0] | (b[1] << 8) | (b[2] << 16) | ((uint32_t)b[3] << 24);
    }
    std::string header(hlen, '\0');
    f.read(&header[0], hlen);
    const std::string descr = headerField(header, "descr");
    if (headerField(header, "fortran_order") != "False")
        throw std::runtime_error(path + ": fortran order is not supported");
    std::string shapeStr = headerField(header, "shape");
    std::vector<int> shape;
    for (size_t i = 1; i < shapeStr.size();)
    {
        size_t j = shapeStr.find_first_of(",)", i);
        std::string tok = shapeStr.substr(i, j - i);
        if (tok.find_first_not_of(' ') != std::string::npos)
            shape.push_back(std::stoi(tok));
        i = j + 1;
        if (j == std::string::npos || shapeStr[j] == ')')
            break;
    }
    if (shape.empty())
        shape.push_back(1);  // 0-d array
    size_t total = 1;
    for (int s : shape)
        total *= (size_t)s;
    cv::Mat out((int)shape.size(), shape.data(), CV_32F);
    if (shape.size() == 1)
        out = cv::Mat(1, shape[0], CV_32F);  // OpenCV has no true 1-d Mat; a row is what dnn uses too
    if (descr == "'<f4'")
        f.read(reinterpret_cast<char*>(out.ptr<float>()), total * sizeof(float));
    else if (descr == "'<i8'" || descr == "'<i4'")
    {
        const size_t w = descr == "'<i8'" ? 8 : 4;
        std::vector<char> buf(total * w);
        f.read(buf.data(), buf.size());
        float* o = out.ptr<float>();
        for (size_t i = 0; i < total; ++i)
            o[i] = w == 8 ? (float)reinterpret_cast<const int64_t*>(buf.data())[i]
                          : (float)reinterpret_cast<const int32_t*>(buf.data())[i];
    }
    else
        throw std::runtime_error(path + ": unsupported dtype " + descr);
    if (!f)
        throw std::runtime_error(path + " is truncated");
    return out;
}

double maxAbsDiff(const cv::Mat& a, const cv::Mat& b)
{
    BOOST_REQUIRE_EQUAL(a.total(), b.total());
    cv::Mat fa = a.reshape(1, 1), fb = b.reshape(1, 1);
    return cv::norm(fa, fb, cv::NORM_INF);
}

double refScale(const cv::Mat& ref)
{
    return std::max(1.0, cv::norm(ref.reshape(1, 1), cv::NORM_INF));
}

void checkClose(const cv::Mat& out, const cv::Mat& ref, const std::string& what, double relTol)
{
    const double err = maxAbsDiff(out, ref), tol = relTol * refScale(ref);
    BOOST_CHECK_MESSAGE(err <= tol, what << ": max abs error " << err << " > " << tol);
}

// Both errorOf overloads: the exception itself, or an empty one (code 0) after failing the test.
static cv::Exception exceptionOf(const std::function<void()>& f)
{
    try
    {
        f();
    }
    catch (const cv::Exception& e)
    {
        return e;
    }
    BOOST_ERROR("no cv::Exception was thrown");
    return cv::Exception();
}

std::string errorOf(const std::function<void()>& f)
{
    return exceptionOf(f).what();
}

std::string errorOf(const std::function<void()>& f, int expectedCode)
{
    const cv::Exception e = exceptionOf(f);
    if (!e.msg.empty())
        BOOST_CHECK_EQUAL(e.code, expectedCode);
    return e.what();
}

cv::Mat blob(std::initializer_list<int> dims, float value)
{
    const std::vector<int> d(dims);
    return cv::Mat((int)d.size(), d.data(), CV_32F, cv::Scalar(value));
}

std::vector<uchar> readBytes(const std::string& path)
{
    std::ifstream f(path, std::ios::binary);
    BOOST_REQUIRE_MESSAGE(f.is_open(), "cannot open " << path << " (run tools/testdata/generate_all.py)");
    return std::vector<uchar>((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
}

TempFile::TempFile(const std::vector<uchar>& bytes) : path(cv::tempfile(".onnx"))
{
    std::ofstream f(path, std::ios::binary);
    f.write(reinterpret_cast<const char*>(bytes.data()), (std::streamsize)bytes.size());
}

TempFile::~TempFile() { std::remove(path.c_str()); }

std::vector<cv::Mat> runModel(const std::string& onnxName, const std::vector<std::string>& inputNames,
                              const std::vector<cv::Mat>& inputs, const std::vector<std::string>& outputNames)
{
    cv::dnn::Net net = cv::dnn::readNetFromONNX(dataPath(onnxName + ".onnx"));
    BOOST_REQUIRE(!net.empty());
    for (size_t i = 0; i < inputs.size(); ++i)
        net.setInput(inputs[i], inputNames[i]);
    std::vector<cv::Mat> outs;
    std::vector<cv::String> names(outputNames.begin(), outputNames.end());
    net.forward(outs, names);
    return outs;
}

std::string errorOfModel(const std::string& onnxName, const std::vector<std::string>& inputNames,
                         const std::vector<std::vector<int> >& inputShapes, const std::vector<std::string>& outputNames)
{
    cv::adaptivetext::registerLayers();
    return errorOf([&] {
        std::vector<cv::Mat> inputs;
        for (const std::vector<int>& shape : inputShapes)
            inputs.push_back(cv::Mat(shape, CV_32F, cv::Scalar(0)));
        runModel(onnxName, inputNames, inputs, outputNames);
    });
}

cv::dnn::LayerParams layerParams(const std::string& name, const std::string& op)
{
    cv::dnn::LayerParams lp;
    lp.name = name;
    lp.type = "adaptivetext." + op;
    lp.set("version", 1);
    return lp;
}

std::vector<cv::dnn::MatShape> outputShapes(const cv::Ptr<cv::dnn::Layer>& layer,
                                            const std::vector<cv::dnn::MatShape>& in)
{
    std::vector<cv::dnn::MatShape> out, internals;
    layer->getMemoryShapes(in, 0, out, internals);
    return out;
}

std::vector<cv::Mat> forwardLayer(const cv::Ptr<cv::dnn::Layer>& layer, const std::vector<cv::Mat>& in)
{
    std::vector<cv::dnn::MatShape> inShapes;
    for (const cv::Mat& m : in)
        inShapes.push_back(cv::dnn::shape(m));
    std::vector<cv::dnn::MatShape> outShapes, internalShapes;
    layer->getMemoryShapes(inShapes, 0, outShapes, internalShapes);
    std::vector<cv::Mat> inputs = in, out, internals;
    for (const cv::dnn::MatShape& s : outShapes)
        out.push_back(cv::Mat(s, CV_32F, cv::Scalar(123)));
    for (const cv::dnn::MatShape& s : internalShapes)  // scratch, garbage too
        internals.push_back(cv::Mat(s, CV_32F, cv::Scalar(-77)));
    layer->forward(inputs, out, internals);
    return out;
}

}  // namespace adaptivetext_test
