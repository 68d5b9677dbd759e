// What an audit is asked to do beyond its scenario: the command line's flags and the callbacks
// the front end listens on.
#pragma once
#include <atomic>
#include <cstddef>
#include <functional>
#include <string>
#include <vector>
#include "plan.hpp"

namespace detaudit {

class BaselineDumps;

struct Progress {
    std::size_t cell = 0, cells = 0; // 1-based cell number
    std::string op, backend, variant;
    int run = 0, runs = 0;
};

struct RunOptions {
    PlanOptions plan;
    std::vector<std::string> require;       // --require: these backends must be available
    bool strict = false;                     // unstated axes expect "identical"
    std::string dump_dir;                    // empty: no dumps; exec run directories go here too
    bool keep_runs = false;                  // --keep-runs: leave exec run directories in place
    BaselineDumps* baseline_dumps = nullptr; // --baseline-dumps: measures each cell as it ends
    std::function<void(const Progress&)> progress;
    const std::atomic<bool>* interrupt = nullptr; // set by SIGINT: stop after the current run
};

} // namespace detaudit
