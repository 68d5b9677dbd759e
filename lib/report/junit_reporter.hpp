// The JUnit XML reporter: one <testsuite> per operation, one <testcase> per expectation, so CI
// systems (GitLab, Jenkins, GitHub test reporters) show which determinism promise broke.
#pragma once
#include <string>
#include "report/report.hpp"

namespace detaudit {

std::string render_junit(const AuditReport& report);

} // namespace detaudit
