// "Where divergences start": one console line per comparison whose traces differ (exec ops with
// "trace": true, docs/trace.md), from the report's first_divergence objects.
#pragma once
#include <string>
#include "report/report.hpp"

namespace detaudit {

// "train: run 3 vs run 1 first differs at #4127 step 7/fc2.weight.grad (inputs identical: this is
// where it starts); 318 later records differ" lines under a heading, or "" when no trace differed.
// An op with several outputs shares its traces: each line appears once per op.
std::string render_trace_divergences(const AuditReport& report);

} // namespace detaudit
