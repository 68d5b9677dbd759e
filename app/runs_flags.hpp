// --runs N|auto and the flags of runs "auto" (--confidence, --max-p, --max-runs), shared by run
// and validate (which prints the worst case the auto settings give).
#pragma once
#include <string>
#include <CLI/CLI.hpp>
#include "audit/run_count.hpp"
#include "scenario/scenario.hpp"

namespace detaudit::app {

// "auto" becomes k_runs_auto; a number must be a whole run count from 1 to 10^6.
inline CLI::Validator runs_flag() {
    return CLI::Validator([](std::string& text) -> std::string {
        if (text == "auto") {
            text = std::to_string(k_runs_auto);
            return "";
        }
        const bool digits = !text.empty() && text.size() <= 7 && text.find_first_not_of("0123456789") == std::string::npos;
        if (!digits || std::stoul(text) < 1 || std::stoul(text) > 1000000)
            return "expected a run count from 1 to 1000000 or auto, got " + text;
        return "";
    }, "N|auto");
}

// Checked by check_auto_settings (exit 2 naming the flag) once the command runs.
inline void add_auto_runs_flags(CLI::App& command, AutoRuns& auto_runs) {
    command.add_option("--confidence", auto_runs.confidence,
                       "runs auto: the confidence of the bound clean runs give, strictly between 0 and 1 (default 0.99)");
    command.add_option("--max-p", auto_runs.max_p,
                       "runs auto: clean runs go on until the per-run probability of a difference is bounded below "
                       "this, strictly between 0 and 1 (default 0.01: 460 runs at 0.99)");
    command.add_option("--max-runs", auto_runs.max_runs,
                       "runs auto: at most this many runs per cell, 2 to 1000000 (default: as many as the bound needs; "
                       "required when that is more than 1000000)");
}

} // namespace detaudit::app
