// This file is part of OpenCV project.
// It is subject to the license terms in the LICENSE file found in the top-level directory
// of this distribution and at http://opencv.org/license.html.

// The samples app's checked output, option checks and run summary (doc/reliability.md): a result that cannot be
// written is an error, a numeric option outside its range is a usage error (exit code 2), and a run in which any
// input failed says so and exits non-zero.
// The samples build on their own, against the module's public API only, as OpenCV's samples do; the command-line
// tools under apps/ include this header too, so that both behave the same (test/apps/test_app_errors.py).
#ifndef ADAPTIVETEXT_SAMPLES_SAMPLE_UTILS_HPP
#define ADAPTIVETEXT_SAMPLES_SAMPLE_UTILS_HPP

#include <opencv2/core.hpp>
#include <opencv2/core/utils/filesystem.hpp>
#include <opencv2/imgcodecs.hpp>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <initializer_list>
#include <iostream>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include <unistd.h>

namespace adaptivetext_sample {

// ---- checked output ----

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

// ---- option checks ----

/** Exit code of a usage error (bad option), as for most command-line tools. */
const int EXIT_USAGE = 2;

/** Collects the first option error of a command line. */
struct OptionErrors
{
    std::string first;

    bool ok() const { return first.empty(); }
    void add(const std::string& message)
    {
        if (first.empty())
            first = message;
    }

    /** lo <= value <= hi, or value == unset when the option may be left out. */
    void intIn(const std::string& option, int value, int lo, int hi, const std::string& why = "")
    {
        if (value < lo || value > hi)
            add(cv::format("--%s=%d is out of range: it must be in [%d, %d]", option.c_str(), value, lo, hi) +
                (why.empty() ? "" : " (" + why + ")"));
    }
    void intInOrUnset(const std::string& option, int value, int unset, int lo, int hi, const std::string& why = "")
    {
        if (value != unset)
            intIn(option, value, lo, hi, why + (why.empty() ? "" : "; ") + cv::format("%d = not set", unset));
    }

    /** A threshold in [0, 1]; NaN fails both comparisons. */
    void unitInterval(const std::string& option, double value)
    {
        if (!(value >= 0.0 && value <= 1.0))
            add(cv::format("--%s=%g is out of range: it must be in [0, 1]", option.c_str(), value));
    }
};

/** Prints the error and the usage, and returns the usage exit code. */
inline int usageError(const cv::CommandLineParser& parser, const std::string& message)
{
    std::cerr << "error: " << message << std::endl;
    parser.printMessage();
    return EXIT_USAGE;
}

/** OpenCV 4.6's CommandLineParser reads a value only after '=': "-i photo.jpg" would make -i a flag whose value
    is "true" and leave the path as a stray argument. The arguments with each of `spellings` (e.g. "-i",
    "--input") that is followed by another argument joined into "-i=photo.jpg"; only options that take a string
    are listed, so "--score -1" stays a (refused) number. Construct the parser from argc() and argv(). */
class JoinedArgs
{
public:
    JoinedArgs(int argc, char** argv, std::initializer_list<const char*> spellings)
    {
        for (int i = 0; i < argc; ++i)
        {
            std::string a = argv[i];
            bool joins = false;
            for (const char* s : spellings)
                joins = joins || a == s;
            if (i > 0 && joins && i + 1 < argc)
                a += std::string("=") + argv[++i];
            args_.push_back(a);
        }
        for (const std::string& a : args_)
            ptrs_.push_back(a.c_str());
    }
    int argc() const { return (int)ptrs_.size(); }
    const char* const* argv() const { return ptrs_.data(); }

private:
    std::vector<std::string> args_;
    std::vector<const char*> ptrs_;
};

/** CommandLineParser::check() is false when a value did not parse (e.g. --score=abc): a usage error too. */
inline bool parsedCleanly(const cv::CommandLineParser& parser)
{
    if (parser.check())
        return true;
    parser.printErrors();
    return false;
}

// ---- "N frames, K failed" for folder and video runs ----

struct RunSummary
{
    int frames = 0;                                          // inputs attempted
    std::vector<std::pair<std::string, std::string> > failed;  // input, why

    void fail(const std::string& input, const std::string& why)
    {
        failed.emplace_back(input, why);
        std::cerr << input << ": " << why << std::endl;
    }

    /** Prints the summary (stdout) and the failed inputs again (stderr); returns the exit code. */
    int finish() const
    {
        std::cout << frames << " frames, " << failed.size() << " failed" << std::endl;
        if (failed.empty())
            return 0;
        std::cerr << failed.size() << " of " << frames << " inputs failed:" << std::endl;
        for (const auto& f : failed)
            std::cerr << "  " << f.first << ": " << f.second << std::endl;
        return 1;
    }
};

}  // namespace adaptivetext_sample

#endif  // ADAPTIVETEXT_SAMPLES_SAMPLE_UTILS_HPP
