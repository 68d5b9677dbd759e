// The audit runner (DESIGN.md §2): for each cell, N runs; each output digested and compared to
// the cell's first run as it arrives; references compared across variants and backends.
#pragma once
#include <atomic>
#include <functional>
#include <memory>
#include <string>
#include <vector>
#include "backends/backend.hpp"
#include "plan.hpp"
#include "report/report.hpp"

namespace detaudit {

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
    std::function<void(const Progress&)> progress;
    const std::atomic<bool>* interrupt = nullptr; // set by SIGINT: stop after the current run
};

// Runs the audit. Backends are injected so tests can use fakes. The report is complete even when
// interrupted or when cells fail; summary.exit_code follows DESIGN.md §7.
AuditReport run_audit(const Scenario& scenario, const RunOptions& options,
                      std::vector<std::unique_ptr<Backend>>& backends);

// Tool identity for the report: name, version, backends compiled in.
nlohmann::json tool_info();

} // namespace detaudit
