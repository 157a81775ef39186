// This file is part of OpenCV project.
// It is subject to the license terms in the LICENSE file found in the top-level directory
// of this distribution and at http://opencv.org/license.html.

// Soak and concurrency check of cv::AdaptiveTextDetector (doc/reliability.md; tools/soak.sh runs it):
//  1. the reference: each frame detected once, sequentially, by detector A;
//  2. warm-up: a second detector B run once over the frames, then --warmup rounds of both phases below, so
//     that lazily created state (a Net per input size, the allocator's per-thread arenas) exists before the
//     resident memory is taken as the baseline;
//  3. phase "one detector": --calls detect() calls from --threads threads on detector A;
//  4. phase "two detectors": --calls calls, half of the threads on A and half on a second detector B;
//  5. every result must equal the reference of its frame exactly (same polygons, same scores), no call may
//     throw, and VmRSS at the end may exceed the baseline by at most --max_rss_growth percent.
// Exit codes: 0 all checks passed, 1 a check failed, 2 a bad option.
#include "../../samples/sample_utils.hpp"  // checked output and option checks, shared with the samples

#include <opencv2/adaptivetext.hpp>
#include <opencv2/imgcodecs.hpp>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <fstream>
#include <iostream>
#include <mutex>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

namespace adaptivetext_app = adaptivetext_sample;

namespace {

struct Result
{
    std::vector<std::vector<cv::Point> > polygons;
    std::vector<float> scores;
    bool operator==(const Result& o) const { return polygons == o.polygons && scores == o.scores; }
};

// Resident memory of this process in MiB (VmRSS of /proc/self/status; -1 where there is none).
double rssMiB(const char* field = "VmRSS")
{
    std::ifstream f("/proc/self/status");
    std::string line;
    const std::string key = std::string(field) + ":";
    while (std::getline(f, line))
        if (line.compare(0, key.size(), key) == 0)
            return std::stod(line.substr(key.size())) / 1024.0;
    return -1.0;
}

std::vector<std::string> listImages(const std::string& inputs)
{
    std::vector<std::string> files;
    std::stringstream ss(inputs);
    std::string item;
    while (std::getline(ss, item, ','))
    {
        if (item.empty())
            continue;
        if (cv::utils::fs::isDirectory(item))
        {
            std::vector<cv::String> found;
            cv::glob(item, found, false);
            std::sort(found.begin(), found.end());
            files.insert(files.end(), found.begin(), found.end());
        }
        else
            files.push_back(item);
    }
    return files;
}

// Counters shared by the worker threads of one phase.
struct Tally
{
    std::atomic<int> calls{ 0 }, mismatches{ 0 }, errors{ 0 };
    std::mutex mutex;
    std::string firstProblem;

    void problem(const std::string& what)
    {
        std::lock_guard<std::mutex> lock(mutex);
        if (firstProblem.empty())
            firstProblem = what;
    }
};

// `threads` workers share `calls` calls; worker t uses detectors[t % detectors.size()] and takes frames in
// turn from a shared counter, so every frame is detected by every detector from changing threads.
void runPhase(const std::vector<cv::Ptr<cv::AdaptiveTextDetector> >& detectors, int threads, int calls,
              const std::vector<cv::Mat>& frames, const std::vector<Result>& reference, Tally& tally)
{
    std::atomic<int> next{ 0 };
    std::vector<std::thread> workers;
    for (int t = 0; t < threads; ++t)
    {
        workers.emplace_back([&, t] {
            const cv::Ptr<cv::AdaptiveTextDetector>& det = detectors[t % detectors.size()];
            for (int i = next++; i < calls; i = next++)
            {
                const size_t f = (size_t)i % frames.size();
                Result r;
                try
                {
                    det->detect(frames[f], r.polygons, r.scores);
                }
                catch (const cv::Exception& e)
                {
                    ++tally.errors;
                    tally.problem(cv::format("call %d (frame %zu) threw: ", i, f) + e.what());
                    continue;
                }
                ++tally.calls;
                if (!(r == reference[f]))
                {
                    ++tally.mismatches;
                    tally.problem(cv::format("call %d (frame %zu, thread %d): %zu polygons, the sequential run "
                                             "found %zu, or they differ", i, f, t, r.polygons.size(),
                                             reference[f].polygons.size()));
                }
            }
        });
    }
    for (std::thread& w : workers)
        w.join();
}

double secondsSince(const std::chrono::steady_clock::time_point& start)
{
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

}  // namespace

int main(int argc, char** argv)
{
    const cv::String keys =
        "{help h          |      | print this help}"
        "{model m         |      | adaptivetext ONNX model (empty: the shipped default model)}"
        "{input i         |      | images: files and folders, comma-separated}"
        "{calls           | 2000 | detect() calls in each of the two phases}"
        "{threads         | 4    | worker threads in each phase}"
        "{warmup          | 2    | warm-up rounds over all frames in each phase before the baseline}"
        "{max_rss_growth  | 5    | allowed growth of VmRSS after warm-up, percent (negative: not checked)}";
    const adaptivetext_app::JoinedArgs args(argc, argv, {"-m", "--model", "-i", "--input"});
    cv::CommandLineParser parser(args.argc(), args.argv(), keys);
    parser.about("Soak and concurrency check of cv::AdaptiveTextDetector (doc/reliability.md).");
    if (parser.has("help"))
    {
        parser.printMessage();
        return 0;
    }
    const std::string model = parser.get<std::string>("model");
    const int calls = parser.get<int>("calls"), threads = parser.get<int>("threads");
    const int warmup = parser.get<int>("warmup");
    const double maxGrowth = parser.get<double>("max_rss_growth");
    if (!adaptivetext_app::parsedCleanly(parser))
        return adaptivetext_app::usageError(parser, "an option has a value that is not a number");
    adaptivetext_app::OptionErrors options;
    options.intIn("calls", calls, 1, 100000000);
    options.intIn("threads", threads, 2, 256, "two detectors need two threads at least");
    options.intIn("warmup", warmup, 0, 1000);
    if (!parser.has("input"))
        options.add("--input is required");
    if (!options.ok())
        return adaptivetext_app::usageError(parser, options.first);

    try
    {
        std::vector<cv::Mat> frames;
        for (const std::string& file : listImages(parser.get<std::string>("input")))
        {
            cv::Mat img = cv::imread(file, cv::IMREAD_COLOR);
            if (img.empty())
            {
                std::cerr << "adaptive_text_soak: cannot read the image " << file << std::endl;
                return 1;
            }
            frames.push_back(img);
        }
        if (frames.empty())
            return adaptivetext_app::usageError(parser, "--input holds no image");
        std::cout << "frames: " << frames.size() << " (first " << frames[0].cols << "x" << frames[0].rows
                  << "), calls per phase: " << calls << ", threads: " << threads
                  << ", cv::getNumThreads(): " << cv::getNumThreads() << std::endl;

        const auto start = std::chrono::steady_clock::now();
        cv::Ptr<cv::AdaptiveTextDetector> a = cv::AdaptiveTextDetector::create(model);
        std::vector<Result> reference(frames.size());
        size_t polygons = 0;
        for (size_t f = 0; f < frames.size(); ++f)
        {
            a->detect(frames[f], reference[f].polygons, reference[f].scores);
            polygons += reference[f].polygons.size();
        }
        const double sequentialSeconds = secondsSince(start);
        std::cout << "reference: " << polygons << " polygons over " << frames.size() << " frames, "
                  << cv::format("%.1f ms per frame sequentially", 1000.0 * sequentialSeconds / frames.size())
                  << std::endl;
        cv::Ptr<cv::AdaptiveTextDetector> b = cv::AdaptiveTextDetector::create(model);
        const std::vector<cv::Ptr<cv::AdaptiveTextDetector> > one = { a }, two = { a, b };

        // B sees every frame (so every network size) once, sequentially, before the concurrent warm-up, whose
        // shared frame counter would not guarantee that; its results must equal A's.
        Tally warm;
        runPhase({ b }, 1, (int)frames.size(), frames, reference, warm);
        const int warmCalls = warmup * (int)frames.size();
        runPhase(one, threads, warmCalls, frames, reference, warm);
        runPhase(two, threads, warmCalls, frames, reference, warm);
        const double rssStart = rssMiB();
        std::cout << cv::format("warm-up: %d calls, VmRSS %.1f MiB (baseline)", warm.calls.load(), rssStart)
                  << std::endl;

        struct Phase { const char* name; const std::vector<cv::Ptr<cv::AdaptiveTextDetector> >* detectors; };
        const Phase phases[] = { { "one detector", &one }, { "two detectors", &two } };
        Tally total;
        for (const Phase& p : phases)
        {
            Tally tally;
            const auto t0 = std::chrono::steady_clock::now();
            runPhase(*p.detectors, threads, calls, frames, reference, tally);
            const double s = secondsSince(t0);
            std::cout << cv::format("%s: %d calls from %d threads in %.1f s (%.1f ms per call), %d mismatches, "
                                    "%d errors, VmRSS %.1f MiB",
                                    p.name, tally.calls.load(), threads, s, 1000.0 * s / std::max(1, calls),
                                    tally.mismatches.load(), tally.errors.load(), rssMiB())
                      << std::endl;
            total.calls += tally.calls.load();
            total.mismatches += tally.mismatches.load();
            total.errors += tally.errors.load();
            if (!tally.firstProblem.empty())
                total.problem(std::string(p.name) + ": " + tally.firstProblem);
        }
        // The warm-up's calls are checked too, but not counted in the totals.
        total.mismatches += warm.mismatches.load();
        total.errors += warm.errors.load();
        if (!warm.firstProblem.empty())
            total.problem("warm-up: " + warm.firstProblem);
        const double rssEnd = rssMiB(), growth = 100.0 * (rssEnd - rssStart) / rssStart;
        std::cout << cv::format("total: %d calls, %d mismatches, %d errors; VmRSS %.1f -> %.1f MiB (%+.2f %%), "
                                "VmHWM %.1f MiB; %.1f s",
                                total.calls.load(), total.mismatches.load(), total.errors.load(), rssStart, rssEnd,
                                growth, rssMiB("VmHWM"), secondsSince(start))
                  << std::endl;
        bool ok = total.mismatches == 0 && total.errors == 0;
        if (!total.firstProblem.empty())
            std::cerr << "first problem: " << total.firstProblem << std::endl;
        if (maxGrowth >= 0 && !(growth < maxGrowth))
        {
            std::cerr << cv::format("VmRSS grew by %.2f %% after warm-up (limit %.2f %%)", growth, maxGrowth)
                      << std::endl;
            ok = false;
        }
        std::cout << (ok ? "PASS" : "FAIL") << std::endl;
        return adaptivetext_app::stdoutWritten() && ok ? 0 : 1;
    }
    catch (const cv::Exception& e)
    {
        std::cerr << "adaptive_text_soak: " << e.what() << std::endl;
        return 1;
    }
}
