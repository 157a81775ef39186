// This file is part of OpenCV project.
// It is subject to the license terms in the LICENSE file found in the top-level directory
// of this distribution and at http://opencv.org/license.html.

// Numeric command-line options are checked before any work (doc/reliability.md): a value outside its range
// is a usage error (exit code 2), never silently replaced by a default.
#ifndef ADAPTIVETEXT_APPS_OPTION_CHECKS_HPP
#define ADAPTIVETEXT_APPS_OPTION_CHECKS_HPP

#include <opencv2/core.hpp>

#include <initializer_list>
#include <iostream>
#include <string>
#include <vector>

namespace adaptivetext_app {

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

}  // namespace adaptivetext_app

#endif
