#include "report/diff_reporter.hpp"
#include <sstream>
#include "compare/diff_text.hpp"
#include "report/json_reporter.hpp"
#include "report/terminal_text.hpp"

namespace detaudit {
namespace {

std::string explanation(const ReportPairDiff& p) {
    std::string text;
    for (const auto& e : p.environment)
        if (e.explains) text += (text.empty() ? "" : "; ") + e.field + " " + e.a + " → " + e.b;
    return text;
}

std::string verdict_line(const ReportPairDiff& p) {
    std::ostringstream out;
    out << p.matched << " cells matched, " << p.same << " identical, " << p.differing << " differ";
    if (p.failed) out << ", " << p.failed << " expected identical";
    out << (p.failed ? ": FAIL" : ": PASS");
    return out.str();
}

std::string cell_name(const CellDiff& c) { return c.operation + " " + c.backend + "/" + c.variant; }

std::string cell_change(const CellDiff& c) {
    if (c.status_a != "ok" || c.status_b != "ok") return "status " + c.status_a + " → " + c.status_b;
    return c.dumps ? describe_diff(*c.dumps) : "digest " + c.digest_a + " → " + c.digest_b;
}

// Markdown table cells: no pipe, no raw HTML, no line break.
std::string md(const std::string& text) {
    std::string out;
    for (char ch : text) {
        if (ch == '|') out += "\\|";
        else if (ch == '<') out += "&lt;";
        else if (ch == '>') out += "&gt;";
        else if (ch == '&') out += "&amp;";
        else if (ch == '`') out += "\\`";
        else if (ch == '\n' || ch == '\r') out += ' ';
        else out += ch;
    }
    return out;
}

} // namespace

std::string render_diff_console(const ReportDiff& diff) {
    std::ostringstream out;
    for (const auto& p : diff.pairs) {
        out << escape_for_terminal(p.a) << " vs " << escape_for_terminal(p.b) << "\n";
        for (const auto& e : p.environment)
            out << "  env " << (e.explains ? "* " : "  ") << escape_for_terminal(e.field) << ": "
                << escape_for_terminal(e.a) << " → " << escape_for_terminal(e.b) << "\n";
        const std::string why = explanation(p);
        for (const auto& c : p.cells) {
            if (c.same) continue;
            out << "  " << (c.expected_identical ? "FAIL " : "diff ") << escape_for_terminal(cell_name(c)) << ": "
                << escape_for_terminal(cell_change(c));
            if (!why.empty()) out << " (environment: " << escape_for_terminal(why) << ")";
            out << "\n";
        }
        for (const auto& k : p.only_in_a) out << "  only in " << escape_for_terminal(p.a) << ": " << escape_for_terminal(k) << "\n";
        for (const auto& k : p.only_in_b) out << "  only in " << escape_for_terminal(p.b) << ": " << escape_for_terminal(k) << "\n";
        out << "  " << verdict_line(p) << "\n";
    }
    return out.str();
}

std::string render_diff_json(const ReportDiff& diff) {
    using Json = nlohmann::ordered_json;
    Json pairs = Json::array();
    for (const auto& p : diff.pairs) {
        Json env = Json::array();
        for (const auto& e : p.environment)
            env.push_back(Json{{"field", e.field}, {"a", e.a}, {"b", e.b}, {"explains", e.explains}});
        Json cells = Json::array();
        for (const auto& c : p.cells) {
            Json j{{"operation", c.operation}, {"backend", c.backend}, {"variant", c.variant},
                   {"status_a", c.status_a},   {"status_b", c.status_b}, {"digest_a", c.digest_a},
                   {"digest_b", c.digest_b},   {"same", c.same},         {"expected_identical", c.expected_identical}};
            j["dumps"] = c.dumps ? diff_to_json(*c.dumps) : Json(nullptr);
            cells.push_back(std::move(j));
        }
        pairs.push_back(Json{{"a", p.a}, {"b", p.b},
                             {"summary", Json{{"matched", p.matched}, {"same", p.same}, {"differing", p.differing},
                                              {"failed", p.failed}}},
                             {"environment", env}, {"cells", cells}, {"only_in_a", p.only_in_a},
                             {"only_in_b", p.only_in_b}});
    }
    Json j{{"format", 1},
           {"scenario", Json{{"name", diff.scenario_name}, {"scenario_digest", diff.scenario_digest}}},
           {"passed", diff.exit_code == 0},
           {"exit_code", diff.exit_code},
           {"pairs", pairs}};
    return j.dump(2, ' ', false, Json::error_handler_t::replace) + "\n";
}

std::string render_diff_markdown(const ReportDiff& diff) {
    std::ostringstream out;
    out << "## detaudit diff: " << md(diff.scenario_name) << " — " << (diff.exit_code ? "FAIL" : "PASS") << "\n\n";
    for (const auto& p : diff.pairs) {
        out << "### " << md(p.a) << " vs " << md(p.b) << "\n\n" << md(verdict_line(p)) << "\n\n";
        bool header = false;
        for (const auto& c : p.cells) {
            if (c.same) continue;
            if (!header) out << "| | cell | change |\n|---|---|---|\n";
            header = true;
            out << "| " << (c.expected_identical ? "❌" : "≠") << " | " << md(cell_name(c)) << " | " << md(cell_change(c))
                << " |\n";
        }
        if (header) out << "\n";
        for (const auto& k : p.only_in_a) out << "- only in " << md(p.a) << ": " << md(k) << "\n";
        for (const auto& k : p.only_in_b) out << "- only in " << md(p.b) << ": " << md(k) << "\n";
        if (!p.environment.empty()) {
            out << "\n<details><summary>Environment: " << p.environment.size() << " fields differ</summary>\n\n"
                << "| field | " << md(p.a) << " | " << md(p.b) << " |\n|---|---|---|\n";
            for (const auto& e : p.environment)
                out << "| " << (e.explains ? "**" + md(e.field) + "**" : md(e.field)) << " | " << md(e.a) << " | "
                    << md(e.b) << " |\n";
            out << "\n</details>\n";
        }
        out << "\n";
    }
    return out.str();
}

} // namespace detaudit
