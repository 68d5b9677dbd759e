// The cell runner (DESIGN.md §2): one op on one backend under one variant, run N times; each
// output digested and compared with the cell's run 1 as it arrives. Only run 1 (the reference)
// and the current run's buffers are kept.
#pragma once
#include <map>
#include <optional>
#include <set>
#include <string>
#include "backends/backend.hpp"
#include "cell_outputs.hpp"
#include "dump_writer.hpp"
#include "exec_run_dirs.hpp"
#include "inputs.hpp"
#include "run_options.hpp"

namespace detaudit {

class CellRunner {
public:
    // `cells`: how many cells the audit has, for progress. `probes` holds every planned backend.
    CellRunner(const RunOptions& options, std::size_t cells, const std::map<std::string, Backend*>& backends,
               const std::map<std::string, BackendProbe>& probes, ExecRunDirs& run_dirs, const DumpWriter& dumps)
        : m_options(options), m_cells(cells), m_backends(backends), m_probes(probes), m_run_dirs(run_dirs),
          m_dumps(dumps) {}

    // Every later cell is skipped for `reason` (a --require backend is unavailable).
    void skip_all(std::string reason) { m_not_run_reason = std::move(reason); }
    // A new op: each backend is prepared again before its first cell. `inputs` are generated on
    // the op's first cell that runs and shared by the others.
    void start_op() { m_prepared_backends.clear(); }
    CellRun run(const OpSpec& op, const std::string& backend_name, const Variant& variant,
                std::optional<OpInputs>& inputs);

private:
    bool interrupted() const { return m_options.interrupt && m_options.interrupt->load(); }
    Cell new_cell(const OpSpec& op, const std::string& backend_name, const Variant& variant) const;
    // Inputs (once per op), prepare (once per op and backend), then the runs; `completed` counts
    // the runs that finished. Throws what the backend throws.
    void run_all(const OpSpec& op, Backend& backend, const Variant& variant, const Cell& cell, CellRun& result,
                 std::vector<double>& times, int& completed, std::optional<OpInputs>& inputs);
    void finish_track(const OpSpec& op, const Variant& variant, OutputTrack& track, const TimingStats& time,
                      int completed, const std::string& name);
    void absorb(const OpSpec& op, const Variant& variant, OutputTrack& track, int run, const std::string& name);
    void absorb_named(const OpSpec& op, const Variant& variant, const Cell& shared, CellRun& result,
                      RunOutputs produced, int run);
    void record_comparison(const OpSpec& op, Cell& cell, const Variant& variant, const Buffer& reference,
                           const Buffer& current, int run, const std::string& output);

    const RunOptions& m_options;
    std::size_t m_cells;
    const std::map<std::string, Backend*>& m_backends;
    const std::map<std::string, BackendProbe>& m_probes;
    ExecRunDirs& m_run_dirs;
    const DumpWriter& m_dumps;
    std::size_t m_cell_number = 0;
    std::string m_not_run_reason;
    std::set<std::string> m_prepared_backends; // for the op running now
};

} // namespace detaudit
