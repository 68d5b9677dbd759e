#include "op_assembly.hpp"
#include <algorithm>
#include "compare/diff_stats.hpp"
#include "exec/output_files.hpp"

namespace detaudit {

OpAssembly::OpAssembly(const OpSpec& op) : m_op(op) {
    for (const auto& name : declared_output_names(op)) m_outputs.add(name);
}

void OpAssembly::add_cell(std::size_t variant_index, const Variant& variant, const std::string& backend_name,
                          CellRun run) {
    CellRecord record{std::move(run.shared), run.whole, {}};
    for (const auto& name : run.order) m_outputs.add(name);
    for (auto& [name, track] : run.tracks) {
        m_outputs.add(name);
        OutputState& state = m_outputs.state(name);
        if (track.reference && track.cell.status == CellStatus::ok) {
            if (variant_index == 0) {
                state.base_reference.emplace(backend_name, track.reference->clone());
            } else if (state.base_reference.count(backend_name)) {
                state.across_variants.push_back(
                    CellComparison{k_axis_across_variants, backend_name, variant.name, backend_name + "/base",
                                   backend_name + "/" + variant.name, variant.changed_axes,
                                   compare_buffers(state.base_reference.at(backend_name), *track.reference)});
            }
            m_variant_references[name].emplace_back(backend_name, std::move(*track.reference));
        }
        record.outputs.emplace(name, std::move(track.cell));
    }
    m_records.push_back(std::move(record));
}

void OpAssembly::end_variant(const Variant& variant) {
    // cross_backend: every other backend against the first that produced a reference.
    for (auto& [name, references] : m_variant_references)
        for (std::size_t k = 1; k < references.size(); ++k) {
            const auto& [ref_name, ref] = references.front();
            const auto& [other_name, other] = references[k];
            m_outputs.state(name).cross_backend.push_back(
                CellComparison{k_axis_cross_backend, ref_name + "~" + other_name, variant.name,
                               ref_name + "/" + variant.name, other_name + "/" + variant.name, {},
                               compare_buffers(ref, other)});
        }
    m_variant_references.clear();
}

std::vector<OperationReport> OpAssembly::reports() {
    // A glob or archive nothing was seen of (its program failed every time, say) is reported
    // under its own pattern, so no declared output goes missing from the report.
    for (const auto& p : m_op.params.value("outputs", nlohmann::json::array())) {
        const std::string pattern = p.get<std::string>();
        if (std::none_of(m_outputs.names.begin(), m_outputs.names.end(),
                         [&](const std::string& name) { return pattern_matches_output(pattern, name); }))
            m_outputs.add(pattern);
    }
    order_as_declared(m_op, m_outputs.names);
    std::vector<OperationReport> reports;
    for (const auto& name : m_outputs.names) reports.push_back(report_of(name));
    return reports;
}

OperationReport OpAssembly::report_of(const std::string& name) {
    OutputState& state = m_outputs.state(name);
    OperationReport report;
    report.id = m_op.id;
    report.output = name;
    report.kind = m_op.kind;
    report.algorithm = m_op.algorithm;
    report.description = m_op.description;
    report.parameters = m_op.params;
    report.parameters["seed"] = m_op.seed;
    for (const auto& record : m_records) {
        if (auto it = record.outputs.find(name); it != record.outputs.end()) {
            report.cells.push_back(it->second);
            continue;
        }
        Cell cell = record.shared;
        if (!record.whole) {
            // The cell ran, but no run wrote this output (it appeared in another cell).
            cell.status = CellStatus::error;
            cell.reason = "no run wrote " + name;
            cell.runs = 0;
        }
        report.cells.push_back(std::move(cell));
    }
    report.across_variants = std::move(state.across_variants);
    report.cross_backend = std::move(state.cross_backend);
    return report;
}

} // namespace detaudit
