// The one-line verdict of a report and of each operation, shared by the Markdown and HTML
// reporters: what a reader needs before any detail.
#pragma once
#include "report/report.hpp"
#include <string>

namespace detaudit {

enum class Verdict { pass, fail, error, unavailable, interrupted };

Verdict report_verdict(const AuditReport& report);
// "all expectations held", "2 expectations failed", ...
std::string verdict_text(const AuditReport& report);
std::string verdict_icon(Verdict v); // ✅ ❌ 💥 ⚠️ ⏹

// An operation's: fail when an expectation failed, error when a cell failed, else pass.
Verdict operation_verdict(const OperationReport& op);

// "identical", "3 of 8 elements differ, max 2 ULP, …", "shape differs: …"
std::string diff_summary(const DiffStats& d);

// The expectation as written in the scenario: "identical", {"max_ulp":4}.
std::string expected_text(const nlohmann::json& expected);

} // namespace detaudit
