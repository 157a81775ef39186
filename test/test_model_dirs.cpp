// This file is part of OpenCV project.
// It is subject to the license terms in the LICENSE file found in the top-level directory
// of this distribution and at http://opencv.org/license.html.

// Where the shipped models are looked for (src/model_dirs.hpp): $ADAPTIVETEXT_MODEL_DIR first and as given, each
// folder once, and a missing model names every folder searched. The installed library's own folder is checked
// by the install_consumer entry (test/install/), which needs an installed tree.
#include "model_dirs.hpp"

#include <opencv2/core/utils/filesystem.hpp>

#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <cstdlib>
#include <fstream>

namespace {

// Sets ADAPTIVETEXT_MODEL_DIR for the lifetime of the object; the previous value comes back afterwards.
struct ScopedModelDirVariable
{
    std::string saved;
    bool hadOld;
    explicit ScopedModelDirVariable(const std::string& value)
    {
        const char* old = std::getenv("ADAPTIVETEXT_MODEL_DIR");
        hadOld = old != nullptr;
        saved = old ? old : "";
        setenv("ADAPTIVETEXT_MODEL_DIR", value.c_str(), 1);
    }
    ~ScopedModelDirVariable()
    {
        if (hadOld)
            setenv("ADAPTIVETEXT_MODEL_DIR", saved.c_str(), 1);
        else
            unsetenv("ADAPTIVETEXT_MODEL_DIR");
    }
};

const std::string kSourceModels = std::string(ADAPTIVETEXT_SOURCE_DIR) + "/data/models";

}  // namespace

BOOST_AUTO_TEST_SUITE(model_dirs)

BOOST_AUTO_TEST_CASE(the_environment_folder_is_searched_first_and_kept_as_given)
{
    const std::string dir = cv::tempfile("_models");
    BOOST_REQUIRE(cv::utils::fs::createDirectory(dir));
    std::ofstream(dir + "/adaptivetext_default.onnx") << "not a model; only its place matters here";
    {
        ScopedModelDirVariable env(dir);
        const std::vector<cv::String> dirs = cv::adaptivetext::detail::defaultModelDirs();
        BOOST_REQUIRE(!dirs.empty());
        BOOST_CHECK_EQUAL(dirs[0], dir);
        // the source tree's folder is still searched after it
        BOOST_CHECK(std::find(dirs.begin(), dirs.end(), kSourceModels) != dirs.end());
        BOOST_CHECK_EQUAL(cv::adaptivetext::detail::findShippedModel("adaptivetext_default.onnx"),
                          dir + "/adaptivetext_default.onnx");
    }
    cv::utils::fs::remove_all(dir);
    // without the variable, the shipped model comes from the source tree (no install prefix beside this binary)
    ScopedModelDirVariable env("");
    BOOST_CHECK_EQUAL(cv::adaptivetext::detail::findShippedModel("adaptivetext_default.onnx"),
                      kSourceModels + "/adaptivetext_default.onnx");
}

BOOST_AUTO_TEST_CASE(a_folder_reached_twice_is_searched_once)
{
    // The source tree's folder spelt another way: listed once, as the variable gives it, in first place.
    const std::string other = std::string(ADAPTIVETEXT_SOURCE_DIR) + "/data/../data/models";
    ScopedModelDirVariable env(other);
    const std::vector<cv::String> dirs = cv::adaptivetext::detail::defaultModelDirs();
    BOOST_REQUIRE(!dirs.empty());
    BOOST_CHECK_EQUAL(dirs[0], other);
    BOOST_CHECK(std::find(dirs.begin(), dirs.end(), kSourceModels) == dirs.end());
}

BOOST_AUTO_TEST_CASE(a_missing_model_names_every_folder_searched)
{
    ScopedModelDirVariable env("/nonexistent/adaptivetext/models");
    BOOST_CHECK(cv::adaptivetext::detail::searchShippedModel("no_such_model.onnx").empty());
    std::string msg;
    int code = 0;
    try
    {
        cv::adaptivetext::detail::findShippedModel("no_such_model.onnx");
    }
    catch (const cv::Exception& e)
    {
        msg = e.what();
        code = e.code;
    }
    BOOST_CHECK_EQUAL(code, (int)cv::Error::StsObjectNotFound);
    BOOST_CHECK(msg.find("no_such_model.onnx") != std::string::npos);
    // one folder a line (OpenCV starts each line of a multi-line message with "> ")
    for (const cv::String& dir : cv::adaptivetext::detail::defaultModelDirs())
        BOOST_CHECK_MESSAGE(msg.find("  " + dir + "\n") != std::string::npos, "the message does not name " << dir);
    BOOST_CHECK(msg.find("/nonexistent/adaptivetext/models") != std::string::npos);
    BOOST_CHECK(msg.find("ADAPTIVETEXT_MODEL_DIR") != std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()
