#include "report/report_verdict.hpp"

#include "common/error.hpp"
#include "compare/diff_text.hpp"

namespace detaudit {

Verdict report_verdict(const AuditReport& report) {
    switch (report.summary.exit_code) {
    case exit_code::k_ok:
        return Verdict::pass;
    case exit_code::k_expectation_failed:
        return Verdict::fail;
    case exit_code::k_required_backend_unavailable:
        return Verdict::unavailable;
    case exit_code::k_interrupted:
        return Verdict::interrupted;
    default:
        return Verdict::error;
    }
}

std::string verdict_text(const AuditReport& report) {
    const Summary& s = report.summary;
    auto n = [](std::size_t count, const char* one, const char* many) {
        return std::to_string(count) + " " + (count == 1 ? one : many);
    };
    switch (report_verdict(report)) {
    case Verdict::pass:
        return "all " + n(s.expectations_passed, "expectation", "expectations") + " held";
    case Verdict::fail:
        return n(s.expectations_failed, "expectation", "expectations") + " failed";
    case Verdict::unavailable:
        return "a required backend is unavailable";
    case Verdict::interrupted:
        return "interrupted: the report covers the runs completed";
    case Verdict::error:
        return n(s.cells_error, "cell", "cells") + " failed to run" +
               (s.expectations_failed
                    ? "; " + n(s.expectations_failed, "expectation", "expectations") + " failed"
                    : "");
    }
    return "";
}

std::string verdict_icon(Verdict v) {
    switch (v) {
    case Verdict::pass:
        return "✅";
    case Verdict::fail:
        return "❌";
    case Verdict::error:
        return "💥";
    case Verdict::unavailable:
        return "⚠️";
    case Verdict::interrupted:
        return "⏹️";
    }
    return "";
}

Verdict operation_verdict(const OperationReport& op) {
    for (const auto& e : op.expectations)
        if (e.evaluated && !e.held && !e.cells_failed) return Verdict::fail;
    for (const auto& c : op.cells)
        if (c.status == CellStatus::error) return Verdict::error;
    return Verdict::pass;
}

std::string diff_summary(const DiffStats& d) {
    if (d.shape_mismatch) return "shape differs: " + d.mismatch_detail;
    if (d.identical) return "identical";
    return describe_diff(d);
}

std::string expected_text(const nlohmann::json& expected) {
    if (expected.is_string()) return expected.get<std::string>();
    return expected.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

} // namespace detaudit
