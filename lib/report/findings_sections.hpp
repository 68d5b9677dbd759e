// Findings across operations: which setting changes results (grouped by axis) and what
// determinism costs (time of each algorithm relative to the fastest). The data functions are
// shared by every reporter that shows them (console, Markdown, HTML); render_* are the console's.
#pragma once
#include "report/report.hpp"
#include <map>
#include <string>
#include <vector>

namespace detaudit {

struct WhatChanges {
    struct AxisFinding {
        std::string axis; // "cpu.threads"
        std::vector<std::string>
            changing; // "op on cpu (2→1: up to 3 ULP, ...)"; empty: changes nothing
    };
    std::vector<std::string> run_to_run;   // "op on backend": differs with no setting changed
    std::vector<AxisFinding> axes;         // sorted by axis name
    std::vector<std::string> interactions; // "op on cpu (cpu.threads=1,cpu.schedule=dynamic)"
    // axis -> "op on cpu (none→cpu: 1/31 → 12/31 runs differ)": runs differ more often with it
    std::map<std::string, std::vector<std::string>> more_often;
    bool empty() const { return run_to_run.empty() && axes.empty() && interactions.empty() && more_often.empty(); }
};
WhatChanges what_changes(const AuditReport& report);

struct AlgorithmCost {
    std::string algorithm, design_class; // design class may be empty
    double median_s = 0;
    double relative = 1; // median_s over the fastest algorithm's
    std::string drift;    // "no drift", "drift 3 ULP" (run-to-run max ULP); empty: one run
    std::string accuracy; // "error 2 ULP" against the exact reference ("accuracy": true); else empty
};
struct FamilyCost {
    std::string family;                    // "reduce dtype=f32 n=1048576 on cpu"
    std::vector<AlgorithmCost> algorithms; // fastest first
};
// Op families (ops that differ only in algorithm and input data) with two or more algorithms.
std::vector<FamilyCost> cost_of_determinism(const AuditReport& report);

// "12.3 ms", "850 µs", "1.5 s"
std::string seconds_text(double s);

// "What changes results" lines, or "" when nothing was varied and nothing differed.
std::string render_what_changes(const AuditReport& report);
// "Cost of determinism" lines for op families with several algorithms, or "".
std::string render_cost_of_determinism(const AuditReport& report);

} // namespace detaudit
