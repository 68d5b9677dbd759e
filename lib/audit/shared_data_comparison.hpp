// Ops sharing a "data" name got the same inputs: each later op's base-variant run 1 is compared
// with the first op's on the same backend ("across_algorithms"), and judged against the op's
// expect.across_algorithms when it states one.
#pragma once
#include <map>
#include <string>
#include "cell_outputs.hpp"

namespace detaudit {

class SharedDataComparison {
public:
    // Keeps or compares the base variant's run-1 outputs of `run` (built-in ops: one output).
    void add_base_cell(const OpSpec& op, const std::string& backend, const CellRun& run);
    // The op's comparisons and judged expectation go into its report.
    void finish_op(const OpSpec& op, OperationReport& report);

private:
    struct First {
        std::string op_id;
        std::optional<Expectation> expectation; // its expect.across_algorithms
        std::map<std::string, Buffer> outputs; // backend -> base variant's run 1
    };
    std::map<std::string, First> m_first;        // data name -> the first op that ran with it
    std::vector<CellComparison> m_pending;       // the current op's comparisons
};

} // namespace detaudit
