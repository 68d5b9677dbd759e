#include "report/junit_reporter.hpp"

#include <fmt/format.h>

namespace detaudit {
namespace {

// Escapes for both text and attribute values. XML 1.0 cannot carry most control characters even
// as references, so they become '?'; newlines and tabs are kept as references so attribute
// values survive attribute-value normalisation.
std::string xml_escape(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (char ch : text) {
        switch (ch) {
        case '&': out += "&amp;"; break;
        case '<': out += "&lt;"; break;
        case '>': out += "&gt;"; break;
        case '"': out += "&quot;"; break;
        case '\'': out += "&apos;"; break;
        case '\n': out += "&#10;"; break;
        case '\r': out += "&#13;"; break;
        case '\t': out += "&#9;"; break;
        default:
            if (static_cast<unsigned char>(ch) < 0x20 || ch == 0x7f) {
                out += '?';
            } else {
                out += ch;
            }
        }
    }
    return out;
}

std::string expected_text(const nlohmann::json& expected) {
    if (expected.is_string()) return expected.get<std::string>();
    return expected.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

// JUnit wants a time per suite; an operation's is the sum of its cells' runs, estimated from
// the cold run plus the median of the others (the report keeps no per-run times).
double operation_seconds(const OperationReport& op) {
    double total = 0;
    for (const auto& c : op.cells) {
        if (c.status != CellStatus::ok || c.runs == 0) continue;
        total += c.time.cold_s + c.time.median_s * static_cast<double>(c.runs - 1);
    }
    return total;
}

struct Counts {
    std::size_t tests = 0, failures = 0, errors = 0, skipped = 0;
};

Counts count(const OperationReport& op) {
    Counts n;
    for (const auto& e : op.expectations) {
        ++n.tests;
        if (e.cells_failed) {
            ++n.errors;
        } else if (!e.evaluated) {
            ++n.skipped;
        } else if (!e.held) {
            ++n.failures;
        }
    }
    return n;
}

} // namespace

std::string render_junit(const AuditReport& report) {
    Counts total;
    for (const auto& op : report.operations) {
        Counts n = count(op);
        total.tests += n.tests;
        total.failures += n.failures;
        total.errors += n.errors;
        total.skipped += n.skipped;
    }
    std::string name = "detaudit";
    if (auto it = report.scenario.find("name"); it != report.scenario.end() && it->is_string()) {
        name += ": " + it->get<std::string>();
    }

    std::string out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
    // An expectation that a failed cell left without comparisons is an <error>: the operation did
    // not execute, which is not the same as a skip.
    const std::string timestamp =
        report.started_at.empty() ? ""
                                  : fmt::format(" timestamp=\"{}\"", xml_escape(report.started_at));
    out += fmt::format("<testsuites name=\"{}\" tests=\"{}\" failures=\"{}\" errors=\"{}\" "
                       "skipped=\"{}\" time=\"{:.6f}\"{}>\n",
                       xml_escape(name), total.tests, total.failures, total.errors, total.skipped,
                       report.duration_s, timestamp);
    for (const auto& op : report.operations) {
        Counts n = count(op);
        out += fmt::format("  <testsuite name=\"{}\" tests=\"{}\" failures=\"{}\" errors=\"{}\" "
                           "skipped=\"{}\" time=\"{:.6f}\">\n",
                           xml_escape(display_name(op)), n.tests, n.failures, n.errors, n.skipped,
                           operation_seconds(op));
        for (const auto& e : op.expectations) {
            std::string testcase = e.backend.empty() ? e.axis : e.backend + "." + e.axis;
            out += fmt::format("    <testcase classname=\"{}\" name=\"{}\" time=\"0\"",
                               xml_escape("detaudit." + display_name(op)), xml_escape(testcase));
            const std::string body =
                fmt::format("expected {}: {}", expected_text(e.expected), e.detail);
            if (e.cells_failed) {
                out += fmt::format(">\n      <error message=\"{}\" type=\"execution\"/>\n    </testcase>\n",
                                   xml_escape(e.detail));
            } else if (!e.evaluated) {
                out += fmt::format(">\n      <skipped message=\"{}\"/>\n    </testcase>\n",
                                   xml_escape(e.detail));
            } else if (!e.held) {
                out += fmt::format(">\n      <failure message=\"{}\" type=\"expectation\">{}"
                                   "</failure>\n    </testcase>\n",
                                   xml_escape(e.detail), xml_escape(body));
            } else {
                out += "/>\n";
            }
        }
        out += "  </testsuite>\n";
    }
    out += "</testsuites>\n";
    return out;
}

} // namespace detaudit
