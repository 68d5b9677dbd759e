#include "baseline_dumps.hpp"
#include "baseline.hpp"
#include "common/error.hpp"
#include "compare/dumped_output.hpp"
#include "dump_writer.hpp"
#include <filesystem>

namespace fs = std::filesystem;

namespace detaudit {

BaselineDumps::BaselineDumps(const AuditReport& baseline, std::string dir) : m_dir(std::move(dir)) {
    for (const auto& op : baseline.operations)
        for (const auto& c : op.cells)
            if (c.status == CellStatus::ok && !c.digests.empty())
                m_digests[baseline_cell_key(display_name(op), c.backend, c.variant)] =
                    c.digests.front();
}

void BaselineDumps::measure(const OpSpec& op, const Variant& variant, const CellRun& run) {
    for (const auto& [name, track] : run.tracks) {
        const Cell& cell = track.cell;
        if (cell.status != CellStatus::ok || !track.reference || cell.digests.empty()) continue;
        const std::string key = baseline_cell_key(name.empty() ? op.id : op.id + ":" + name,
                                                  cell.backend, cell.variant);
        const auto saved = m_digests.find(key);
        if (saved == m_digests.end() || saved->second == cell.digests.front()) continue;
        BaselineMeasurement m;
        const std::string extension = track.reference->dtype() == DType::bytes ? ".bytes" : ".npy";
        m.dump = (fs::path(m_dir) / op.id /
                  (DumpWriter::cell_dir(cell.backend, variant, name) + "reference" + extension))
                     .string();
        std::error_code ec;
        if (!fs::exists(m.dump, ec)) {
            m.unmeasured = "no dumped reference " + m.dump;
        } else {
            try {
                m.diff = compare_dumped_output(m.dump, *track.reference);
            } catch (const std::exception& e) { // an Error naming the file, or the filesystem's own
                m.unmeasured = e.what();
            }
        }
        m_measured[key] = std::move(m);
    }
}

} // namespace detaudit
