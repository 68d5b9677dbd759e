#include "report_formats.hpp"

#include "common/error.hpp"
#include "report/html_reporter.hpp"
#include "report/json_reporter.hpp"
#include "report/junit_reporter.hpp"
#include "report/markdown_reporter.hpp"

namespace detaudit::app {

std::string render_format(const std::string& flag, const AuditReport& report) {
    if (flag == "--json") return render_json(report);
    if (flag == "--junit") return render_junit(report);
    if (flag == "--markdown") return render_markdown(report);
    if (flag == "--html") return render_html(report);
    throw Error(ErrorKind::usage, "no report format for " + flag);
}

std::string write_reports(const std::vector<NamedPath>& outputs, const AuditReport& report) {
    std::string first_error;
    for (const auto& output : outputs) {
        try {
            write_report(output, render_format(output.name, report));
        } catch (const Error& e) {
            if (first_error.empty()) first_error = e.what();
        }
    }
    return first_error;
}

} // namespace detaudit::app
