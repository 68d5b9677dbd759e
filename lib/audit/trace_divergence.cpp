#include "audit/trace_divergence.hpp"
#include <cstdlib>
#include <filesystem>
#include "backends/host_trace.hpp"
#include "common/error.hpp"
#include "trace/trace_align.hpp"
#include "trace/trace_json.hpp"
#include "trace/trace_reader.hpp"

namespace fs = std::filesystem;

namespace detaudit {
namespace {

// The trace's errors are bad input for `trace-diff`; in an audit they fail the cell (runtime).
[[noreturn]] void fail_run(int run, const std::string& what) {
    throw Error(ErrorKind::runtime, "run " + std::to_string(run) + ": " + what);
}

} // namespace



void compare_run_trace(const OpSpec& op, const std::string& run_dir, int run, CellRun& cell) {
    if (!trace_enabled(op)) return;
    const std::string path = kept_trace(run_dir);
    try {
        if (run == 1) {
            // Read through once: a truncated or malformed reference fails the cell now.
            trace::TraceReader reader(path);
            trace::TraceRecord record;
            while (reader.next(record)) {
            }
            return;
        }
        const std::string reference = kept_trace((fs::path(run_dir).parent_path() / "run-1").string());
        const trace::TraceDivergence d = trace::align_traces(reference, path);
        if (d.identical()) return;
        nlohmann::json j = trace::divergence_json(d);
        j["run"] = run;
        j["against_run"] = 1;
        cell.shared.run_to_run.first_divergences.push_back(j);
        for (auto& [name, track] : cell.tracks) track.cell.run_to_run.first_divergences.push_back(j);
    } catch (const Error& e) {
        fail_run(run, e.what());
    }
}

void add_cell_trace_divergences(const OpSpec& op, std::vector<OperationReport>& reports,
                                const std::function<std::string(const std::string&, const std::string&)>& run1_dir) {
    if (!trace_enabled(op)) return;
    std::map<std::pair<std::string, std::string>, nlohmann::json> aligned; // once per pair, not per output
    auto divergence = [&](const std::string& dir_a, const std::string& dir_b) -> nlohmann::json {
        const auto key = std::make_pair(dir_a, dir_b);
        if (auto it = aligned.find(key); it != aligned.end()) return it->second;
        nlohmann::json j; // null: identical, or a trace is gone (its cell failed before writing one)
        std::error_code ec;
        if (fs::is_regular_file(kept_trace(dir_a), ec) && fs::is_regular_file(kept_trace(dir_b), ec)) {
            try {
                const trace::TraceDivergence d = trace::align_traces(kept_trace(dir_a), kept_trace(dir_b));
                if (!d.identical()) j = trace::divergence_json(d);
            } catch (const Error& e) {
                j = {{"error", e.what()}};
            }
        }
        return aligned[key] = j;
    };
    for (OperationReport& report : reports) {
        for (CellComparison& c : report.across_variants) {
            // reference: "<backend>/<base variant>"
            const std::string base = c.reference.substr(c.backend.size() + 1);
            c.first_divergence = divergence(run1_dir(c.backend, base), run1_dir(c.backend, c.variant));
        }
        for (CellComparison& c : report.cross_backend) {
            const std::size_t tilde = c.backend.find('~');
            if (tilde == std::string::npos) continue;
            c.first_divergence = divergence(run1_dir(c.backend.substr(0, tilde), c.variant),
                                            run1_dir(c.backend.substr(tilde + 1), c.variant));
        }
    }
}

} // namespace detaudit
