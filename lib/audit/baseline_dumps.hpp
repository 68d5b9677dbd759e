// `run --baseline REPORT.json --baseline-dumps DIR`: a saved report holds digests, not values, so
// each cell whose run-1 digest differs from its baseline counterpart's is measured, while its
// reference output is still held, against the reference the baseline run dumped for the same
// cell (DIR = that run's --dump-dir). apply_baseline judges a tolerance on these statistics.
#pragma once
#include "cell_outputs.hpp"
#include "report/report.hpp"
#include "scenario/scenario.hpp"
#include <map>
#include <optional>
#include <string>

namespace detaudit {

struct BaselineMeasurement {
    std::string dump;              // the baseline's dumped reference compared with (or looked for)
    std::optional<DiffStats> diff; // baseline's reference vs this run's; none: not measured
    std::string unmeasured;        // why not: no such file, unreadable or malformed
};

class BaselineDumps {
  public:
    BaselineDumps(const AuditReport& baseline, std::string dir);

    // Measures every ok output of `run` (one cell of `op` under `variant`) whose run-1 digest
    // differs from the baseline's. A missing or unreadable dump is recorded, never thrown.
    void measure(const OpSpec& op, const Variant& variant, const CellRun& run);
    // By baseline_cell_key.
    const std::map<std::string, BaselineMeasurement>& measurements() const { return m_measured; }
    const std::string& dir() const { return m_dir; }

  private:
    std::map<std::string, std::string>
        m_digests; // baseline_cell_key -> the baseline's run-1 digest
    std::string m_dir;
    std::map<std::string, BaselineMeasurement> m_measured;
};

} // namespace detaudit
