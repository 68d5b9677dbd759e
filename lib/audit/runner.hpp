// The audit runner (DESIGN.md §2): for each cell, N runs; each output digested and compared to
// the cell's first run as it arrives; references compared across variants and backends.
#pragma once
#include <memory>
#include <string>
#include <vector>
#include "backends/backend.hpp"
#include "plan.hpp"
#include "run_options.hpp"
#include "report/report.hpp"

namespace detaudit {

// Runs the audit. Backends are injected so tests can use fakes. The report is complete even when
// interrupted or when cells fail; summary.exit_code follows DESIGN.md §7.
AuditReport run_audit(const Scenario& scenario, const RunOptions& options,
                      std::vector<std::unique_ptr<Backend>>& backends);

// Tool identity for the report: name, version, backends compiled in.
nlohmann::json tool_info();

} // namespace detaudit
