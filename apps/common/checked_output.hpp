// This file is part of OpenCV project.
// It is subject to the license terms in the LICENSE file found in the top-level directory
// of this distribution and at http://opencv.org/license.html.

// Output that cannot be written is an error (doc/reliability.md): the command-line tools check their output
// folder before the first input and every write after it, and report the path that failed.
#ifndef ADAPTIVETEXT_APPS_CHECKED_OUTPUT_HPP
#define ADAPTIVETEXT_APPS_CHECKED_OUTPUT_HPP

#include <opencv2/core.hpp>
#include <opencv2/core/utils/filesystem.hpp>
#include <opencv2/imgcodecs.hpp>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iostream>
#include <stdexcept>
#include <string>
#include <vector>

#include <unistd.h>

namespace adaptivetext_app {

inline std::string lastError()
{
    return errno ? std::string(": ") + std::strerror(errno) : std::string();
}

/** Writes bytes to path and checks that they reached the file (the stream's state after close, which is
 *  where a full disk shows up). On failure the partial file is removed, so that no truncated result is left
 *  behind, and `error` names the path. */
inline bool writeFileChecked(const std::string& path, const std::string& bytes, std::string& error)
{
    errno = 0;
    std::ofstream f(path, std::ios::binary | std::ios::trunc);
    if (f)
    {
        f.write(bytes.data(), (std::streamsize)bytes.size());
        f.close();
    }
    if (f.fail())
    {
        error = "cannot write '" + path + "'" + lastError();
        std::remove(path.c_str());
        return false;
    }
    return true;
}

/** Encodes the image by the path's extension and writes it with writeFileChecked. Not cv::imwrite: it
 *  reported success for a small PNG written to a full device (/dev/full) in OpenCV 4.6, because the error
 *  only shows when the file is closed. */
inline bool writeImageChecked(const std::string& path, const cv::Mat& image, std::string& error)
{
    const size_t dot = path.find_last_of('.');
    std::vector<uchar> buf;
    bool encoded = false;
    try
    {
        encoded = dot != std::string::npos && cv::imencode(path.substr(dot), image, buf);
    }
    catch (const cv::Exception& e)
    {
        error = "cannot encode '" + path + "': " + e.err;
        return false;
    }
    if (!encoded)
    {
        error = "cannot encode '" + path + "' (unknown image extension?)";
        return false;
    }
    return writeFileChecked(path, std::string(buf.begin(), buf.end()), error);
}

/** A result that could not be written; what() names the file. Thrown by the *OrThrow helpers, for code
 *  whose callers stop the run on it. */
struct WriteError : std::runtime_error
{
    using std::runtime_error::runtime_error;
};

/** Closes a stream written by the caller and checks that everything reached the file (a full disk shows up
 *  here); otherwise removes the partial file and throws WriteError. */
inline void closeOrThrow(std::ofstream& f, const std::string& path)
{
    errno = 0;
    f.close();
    if (f.fail())
    {
        const std::string message = "cannot write '" + path + "'" + lastError();
        std::remove(path.c_str());
        throw WriteError(message);
    }
}

/** writeImageChecked, throwing WriteError on failure. */
inline void writeImageOrThrow(const std::string& path, const cv::Mat& image)
{
    std::string error;
    if (!writeImageChecked(path, image, error))
        throw WriteError(error);
}

/** Creates the output folder if needed and proves it writable by writing and removing a probe file, so that
 *  a run that cannot keep its results stops before the first input. Returns "" or a message naming `dir`. */
inline std::string prepareOutputDir(const std::string& dir)
{
    if (dir.empty())
        return "the output folder is an empty path";
    if (cv::utils::fs::exists(dir) && !cv::utils::fs::isDirectory(dir))
        return "the output folder '" + dir + "' exists and is not a folder";
    bool created = false;
    try
    {
        created = cv::utils::fs::createDirectories(dir);
    }
    catch (const cv::Exception&)
    {
        created = false;
    }
    if (!created || !cv::utils::fs::isDirectory(dir))
        return "cannot create the output folder '" + dir + "'";
    const std::string probe = cv::utils::fs::join(dir, ".adaptivetext_write_probe_" + std::to_string(getpid()));
    std::string error;
    if (!writeFileChecked(probe, "probe\n", error))
        return "the output folder '" + dir + "' is not writable (" + error + ")";
    std::remove(probe.c_str());
    return std::string();
}

/** Flushes standard output and tells whether everything printed so far was written (e.g. not to /dev/full
 *  or a closed pipe): a tool whose results are its standard output must not exit 0 otherwise. */
inline bool stdoutWritten()
{
    std::cout.flush();
    const bool ok = !std::cout.fail() && std::fflush(stdout) == 0 && !std::ferror(stdout);
    if (!ok)
        std::cerr << "error: cannot write to the standard output" << std::endl;
    return ok;
}

}  // namespace adaptivetext_app

#endif
