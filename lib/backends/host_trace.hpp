// The host backend's side of exec ops with "trace": true (docs/trace.md): the program is told
// where to write its trace, and the trace is kept beside the run's logs, where the runner reads it
// (audit/trace_divergence.hpp).
#pragma once
#include <map>
#include <optional>
#include <string>
#include "scenario/scenario.hpp"

namespace detaudit {

bool trace_enabled(const OpSpec& op);

// Where a run's trace is kept: trace.jsonl in the run directory.
std::string kept_trace(const std::string& run_dir);

// The host backend: DETAUDIT_TRACE={out}/trace.jsonl, and the helper's folder appended to
// PYTHONPATH so `import detaudit_trace` works; only when the op traces.
void add_trace_environment(const OpSpec& op, const std::string& out_dir,
                           std::map<std::string, std::optional<std::string>>& env);

// The host backend, after a successful run: moves the trace (and its kept values) from {out} to
// the run directory, which outlives {out}. Throws a runtime Error when the program wrote none.
void keep_run_trace(const OpSpec& op, const std::string& out_dir, const std::string& run_dir);

} // namespace detaudit
