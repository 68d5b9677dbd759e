#include "report/junit_reporter.hpp"

#include <set>
#include <vector>
#include <fmt/format.h>

namespace detaudit {
namespace {

// The length of the valid UTF-8 sequence at `text[i]` that XML 1.0 may carry (no surrogates,
// no U+FFFE/U+FFFF), or 0.
std::size_t xml_utf8_length(std::string_view text, std::size_t i) {
    const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(text[k]); };
    const unsigned char lead = byte(i);
    std::size_t n = 0;
    unsigned char low = 0x80, high = 0xBF; // the allowed range of the second byte
    if (lead >= 0xC2 && lead <= 0xDF) n = 2;
    else if (lead >= 0xE0 && lead <= 0xEF) n = 3, low = lead == 0xE0 ? 0xA0 : 0x80, high = lead == 0xED ? 0x9F : 0xBF;
    else if (lead >= 0xF0 && lead <= 0xF4) n = 4, low = lead == 0xF0 ? 0x90 : 0x80, high = lead == 0xF4 ? 0x8F : 0xBF;
    if (n == 0 || i + n > text.size() || byte(i + 1) < low || byte(i + 1) > high) return 0;
    for (std::size_t k = 2; k < n; ++k)
        if (byte(i + k) < 0x80 || byte(i + k) > 0xBF) return 0;
    if (lead == 0xEF && byte(i + 1) == 0xBF && byte(i + 2) >= 0xBE) return 0; // U+FFFE, U+FFFF
    return n;
}

// Escapes for both text and attribute values, so that the file is always well-formed XML 1.0
// whatever the text holds (a program's stderr, odd file names): bytes that are not UTF-8 (a tail
// cut mid-character) become U+FFFD; control characters, which XML 1.0 cannot carry even as
// references, are shown as \xHH; newlines and tabs are kept as references so attribute values
// survive attribute-value normalisation.
std::string xml_escape(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char ch = text[i];
        const auto byte = static_cast<unsigned char>(ch);
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
            if (byte < 0x20 || byte == 0x7f) {
                out += fmt::format("\\x{:02x}", byte);
            } else if (byte < 0x80) {
                out += ch;
            } else if (const std::size_t n = xml_utf8_length(text, i)) {
                out.append(text.substr(i, n));
                i += n - 1;
            } else {
                out += "\xEF\xBF\xBD"; // U+FFFD REPLACEMENT CHARACTER
            }
        }
    }
    return out;
}

std::string expected_text(const nlohmann::json& expected) {
    if (expected.is_string()) return expected.get<std::string>();
    return expected.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

// Whether `cell` is one the expectation judges: its backend, or one of a cross-backend pair's.
bool covers(const ExpectationResult& e, const Cell& cell) {
    if (e.backend == cell.backend) return true;
    const auto tilde = e.backend.find('~');
    return tilde != std::string::npos &&
           (e.backend.substr(0, tilde) == cell.backend || e.backend.substr(tilde + 1) == cell.backend);
}

// The first failed cell among those the expectation judges: a crashed cell's expectation is never
// "passed", even when the cells that did run agree.
const Cell* failed_cell(const OperationReport& op, const ExpectationResult& e) {
    for (const auto& c : op.cells)
        if (c.status == CellStatus::error && covers(e, c)) return &c;
    return nullptr;
}

// A cell's own time: its runs, estimated from the cold run plus the median of the others (the
// report keeps no per-run times).
double cell_seconds(const Cell& c) {
    if (c.status != CellStatus::ok || c.runs == 0) return 0;
    return c.time.cold_s + c.time.median_s * static_cast<double>(c.runs - 1);
}

// Each testcase's time: every cell's time once, on the first testcase that judges the cell, so
// the times add up to what ran. An exec op's output entries share the program's runs: they are
// counted on its first output's suite only (`counted` holds the ids already counted).
std::vector<double> testcase_seconds(const OperationReport& op, std::set<std::string>& counted) {
    std::vector<double> seconds(op.expectations.size(), 0.0);
    if (!counted.insert(op.id).second) return seconds;
    for (const auto& c : op.cells)
        for (std::size_t i = 0; i < op.expectations.size(); ++i)
            if (covers(op.expectations[i], c)) {
                seconds[i] += cell_seconds(c);
                break;
            }
    return seconds;
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

std::string testcase(const OperationReport& op, const ExpectationResult& e, double seconds) {
    const std::string name = e.backend.empty() ? e.axis : e.backend + "." + e.axis;
    std::string out = fmt::format("    <testcase classname=\"{}\" name=\"{}\" time=\"{:.6f}\"",
                                  xml_escape("detaudit." + display_name(op)), xml_escape(name), seconds);
    const std::string body = fmt::format("expected {}: {}", expected_text(e.expected), e.detail);
    // cells_failed is the library's verdict; the failed cell only names what to show.
    if (const Cell* failed = e.cells_failed ? failed_cell(op, e) : nullptr) {
        const std::string message = "a cell failed: " + failed->backend + "/" + failed->variant + ": " + failed->reason;
        out += fmt::format(">\n      <error message=\"{}\" type=\"execution\">{}</error>\n    </testcase>\n",
                           xml_escape(message), xml_escape(body));
    } else if (e.cells_failed) {
        out += fmt::format(">\n      <error message=\"{}\" type=\"execution\"/>\n    </testcase>\n", xml_escape(e.detail));
    } else if (!e.evaluated) {
        out += fmt::format(">\n      <skipped message=\"{}\"/>\n    </testcase>\n", xml_escape(e.detail));
    } else if (!e.held) {
        out += fmt::format(">\n      <failure message=\"{}\" type=\"expectation\">{}</failure>\n    </testcase>\n",
                           xml_escape(e.detail), xml_escape(body));
    } else {
        out += "/>\n";
    }
    return out;
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
    std::set<std::string> counted;
    for (const auto& op : report.operations) {
        const Counts n = count(op);
        const std::vector<double> seconds = testcase_seconds(op, counted);
        double suite_seconds = 0;
        for (double t : seconds) suite_seconds += t;
        out += fmt::format("  <testsuite name=\"{}\" tests=\"{}\" failures=\"{}\" errors=\"{}\" "
                           "skipped=\"{}\" time=\"{:.6f}\">\n",
                           xml_escape(display_name(op)), n.tests, n.failures, n.errors, n.skipped, suite_seconds);
        for (std::size_t i = 0; i < op.expectations.size(); ++i) out += testcase(op, op.expectations[i], seconds[i]);
        out += "  </testsuite>\n";
    }
    out += "</testsuites>\n";
    return out;
}

} // namespace detaudit
