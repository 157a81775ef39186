// This file is part of OpenCV project.
// It is subject to the license terms in the LICENSE file found in the top-level directory
// of this distribution and at http://opencv.org/license.html.

// "N frames, K failed" for folder and video runs of the samples app: a run in which any input failed must
// say so and exit non-zero, with the failed inputs listed on stderr (doc/reliability.md).
#ifndef ADAPTIVETEXT_SAMPLES_RUN_SUMMARY_HPP
#define ADAPTIVETEXT_SAMPLES_RUN_SUMMARY_HPP

#include <iostream>
#include <string>
#include <utility>
#include <vector>

namespace adaptivetext_app {

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

}  // namespace adaptivetext_app

#endif
