// Comparison assembly: an op's finished cells become its comparisons across variants (each
// variant's run 1 vs base's, same backend) and across backends (each backend's run 1 vs the
// first backend's, same variant), then one OperationReport per output name (not yet judged).
#pragma once
#include <map>
#include <string>
#include <utility>
#include <vector>
#include "cell_outputs.hpp"

namespace detaudit {

class OpAssembly {
public:
    explicit OpAssembly(const OpSpec& op);

    // A finished cell of variant number `variant_index` (0: base). Its reference buffers are
    // compared with base's and kept until end_variant().
    void add_cell(std::size_t variant_index, const Variant& variant, const std::string& backend, CellRun run);
    // Every cell of `variant` ran: cross_backend comparisons, then its references are dropped.
    void end_variant(const Variant& variant);
    // One report per output, in declared order, with its cells and comparisons.
    std::vector<OperationReport> reports();

private:
    OperationReport report_of(const std::string& name);

    const OpSpec& m_op;
    OpOutputs m_outputs;
    std::vector<CellRecord> m_records; // every cell in order, without buffers
    // The variant running now: per output, each backend's run 1.
    std::map<std::string, std::vector<std::pair<std::string, Buffer>>> m_variant_references;
};

} // namespace detaudit
