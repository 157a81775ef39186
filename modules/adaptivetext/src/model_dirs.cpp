// This file is part of OpenCV project.
// It is subject to the license terms in the LICENSE file found in the top-level directory
// of this distribution and at http://opencv.org/license.html.

#include "precomp.hpp"
#include "model_dirs.hpp"

#include <opencv2/core/utils/filesystem.hpp>
#include <opencv2/core/utils/logger.hpp>

#include <cstdlib>

#if defined(_WIN32)
#ifndef NOMINMAX
#define NOMINMAX
#endif
#include <windows.h>
#elif defined(__unix__) || defined(__APPLE__)
#include <dlfcn.h>
#endif

namespace cv {
namespace adaptivetext {
namespace detail {

namespace {

// The file this code was loaded from (the shared library, or the executable it is linked into statically);
// "" where the platform cannot tell, and then only the compiled-in folders remain.
String libraryFile()
{
#if defined(_WIN32)
    HMODULE module = NULL;
    if (!GetModuleHandleExA(GET_MODULE_HANDLE_EX_FLAG_FROM_ADDRESS | GET_MODULE_HANDLE_EX_FLAG_UNCHANGED_REFCOUNT,
                            reinterpret_cast<LPCSTR>(&libraryFile), &module))
        return String();
    char path[MAX_PATH];
    const DWORD n = GetModuleFileNameA(module, path, MAX_PATH);
    return n > 0 && n < MAX_PATH ? String(path, n) : String();
#elif defined(__unix__) || defined(__APPLE__)
    Dl_info info;
    if (dladdr(reinterpret_cast<void*>(&libraryFile), &info) == 0 || !info.dli_fname || !*info.dli_fname)
        return String();
    return info.dli_fname;
#else
    return String();
#endif
}

// The models folder of the prefix this library is installed in: ADAPTIVETEXT_LIBRARY_TO_MODEL_DIR is the
// install layout's path from the library's folder to the models' (CMake computes it, "../share/adaptivetext/models"
// with GNUInstallDirs' defaults). The library file's symbolic links are resolved first, so that a library linked
// into another folder still finds the prefix it really lives in.
String modelDirBesideLibrary()
{
#ifdef ADAPTIVETEXT_LIBRARY_TO_MODEL_DIR
    const String file = libraryFile();
    if (file.empty())
        return String();
    const String real = utils::fs::canonical(file);
    const size_t slash = real.find_last_of("/\\");
    if (slash == String::npos)
        return String();
    const String dir = utils::fs::join(real.substr(0, slash), ADAPTIVETEXT_LIBRARY_TO_MODEL_DIR);
    // Resolved where it exists, so that paths read "<prefix>/share/...", not "<prefix>/lib/../share/...".
    return utils::fs::exists(dir) ? utils::fs::canonical(dir) : dir;
#else
    return String();
#endif
}

// Appends dir unless it is empty or already listed: folders are compared resolved (an installed library's own
// prefix usually is the configured one too), and each is searched and named in an error once. A folder is kept
// as given, so that a path found in $ADAPTIVETEXT_MODEL_DIR starts with the variable's value.
void addDir(std::vector<String>& dirs, const String& dir)
{
    if (dir.empty())
        return;
    const String resolved = utils::fs::canonical(dir);
    for (const String& listed : dirs)
        if (utils::fs::canonical(listed) == resolved)
            return;
    dirs.push_back(dir);
}

}  // namespace

std::vector<String> defaultModelDirs()
{
    std::vector<String> dirs;
    const char* env = std::getenv("ADAPTIVETEXT_MODEL_DIR");
    if (env && *env)
        addDir(dirs, env);
    // The installed models come before the source tree's, so that an installed library uses the models installed
    // with it even where the tree it was built from still exists. In a build tree, this folder does not exist.
    addDir(dirs, modelDirBesideLibrary());
#ifdef ADAPTIVETEXT_SOURCE_MODEL_DIR
    addDir(dirs, ADAPTIVETEXT_SOURCE_MODEL_DIR);
#else
    // The build passes absolute source paths, so the repository's data/models/ can be found from here.
    const std::string self = __FILE__;
    const size_t pos = self.rfind("modules/adaptivetext/src/");
    if (pos != std::string::npos)
        addDir(dirs, self.substr(0, pos) + "data/models");
#endif
#ifdef ADAPTIVETEXT_INSTALL_MODEL_DIR
    addDir(dirs, ADAPTIVETEXT_INSTALL_MODEL_DIR);
#endif
    return dirs;
}

String searchShippedModel(const String& fileName)
{
    for (const String& dir : defaultModelDirs())
    {
        const String path = utils::fs::join(dir, fileName);
        if (utils::fs::exists(path))
        {
            CV_LOG_INFO(NULL, "AdaptiveTextDetector: shipped model " << fileName << ": " << path);
            return path;
        }
    }
    return String();
}

String findShippedModel(const String& fileName)
{
    const String path = searchShippedModel(fileName);
    if (!path.empty())
        return path;
    String searched;
    for (const String& dir : defaultModelDirs())
        searched += "\n  " + dir;
    CV_Error(Error::StsObjectNotFound,
             format("AdaptiveTextDetector: the shipped model '%s' was not found in:%s\n"
                    "Pass the path of an adaptivetext .onnx model, or set ADAPTIVETEXT_MODEL_DIR to the folder "
                    "holding %s.", fileName.c_str(), searched.c_str(), fileName.c_str()));
}

}  // namespace detail
}  // namespace adaptivetext
}  // namespace cv
