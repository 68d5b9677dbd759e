#include "cell_runner.hpp"
#include <algorithm>
#include <cmath>
#include "catalog/catalog.hpp"
#include "common/error.hpp"
#include "compare/digest.hpp"
#include "compare/digest_compare.hpp"
#include "exec/output_files.hpp"
#include "scenario/axes.hpp"
#include "background_load.hpp"
#include "baseline.hpp"
#include "cell_run_budget.hpp"
#include "trace_divergence.hpp"

namespace detaudit {
namespace {

constexpr std::size_t k_max_reference_values = 16;

double median(std::vector<double> v) {
    std::sort(v.begin(), v.end());
    const std::size_t n = v.size();
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

// Run 1 is the cold run; the others are warm.
TimingStats timing_of(const std::vector<double>& times) {
    TimingStats time;
    time.cold_s = times.front();
    std::vector<double> warm(times.size() > 1 ? times.begin() + 1 : times.begin(), times.end());
    time.min_s = *std::min_element(warm.begin(), warm.end());
    time.max_s = *std::max_element(warm.begin(), warm.end());
    time.median_s = median(warm);
    return time;
}

LoadOptions load_of(const Variant& variant) {
    LoadOptions load;
    if (const auto it = variant.settings.find("host.load"); it != variant.settings.end() && it->is_string())
        load.kind = load_kind_from_name(it->get<std::string>()).value_or(LoadKind::none);
    return load;
}

CellRun ended_before_running(Cell cell, CellStatus status, const std::string& reason) {
    cell.status = status;
    cell.reason = reason;
    CellRun run;
    run.shared = std::move(cell);
    run.whole = true;
    return run;
}

// The whole cell failed in run `completed + 1`: every output known so far carries the error.
CellRun failed(CellRun run, const std::string& reason, const std::string& detail, int completed) {
    run.shared.status = CellStatus::error;
    run.shared.reason = reason;
    run.shared.error_detail = detail;
    run.shared.runs = static_cast<std::size_t>(completed);
    run.whole = true;
    for (auto& [name, track] : run.tracks) {
        track.cell.status = CellStatus::error;
        // An output that failed in an earlier run keeps that run's reason; the stderr of the
        // run that failed now belongs under this run's reason only.
        if (track.cell.reason.empty()) {
            track.cell.reason = reason;
            track.cell.error_detail = detail;
        }
        track.cell.runs = static_cast<std::size_t>(completed);
        track.reference.reset();
    }
    return run;
}

void fail_track(OutputTrack& track, const std::string& reason) {
    if (track.cell.status != CellStatus::ok) return; // the first failure is the one to fix
    track.cell.status = CellStatus::error;
    track.cell.reason = reason;
    track.reference.reset();
    track.current.reset();
}

} // namespace

// The cell record every output of the cell starts from: identity, settings, declared type.
Cell CellRunner::new_cell(const OpSpec& op, const std::string& backend_name, const Variant& variant) const {
    Cell cell;
    cell.backend = backend_name;
    cell.variant = variant.name;
    for (auto& [axis, value] : variant.settings.items())
        if (axis_applies_to(axis, backend_name)) cell.settings[axis] = value;
    if (op.kind != "exec") {
        cell.output_dtype = std::string(dtype_name(output_dtype(op.kind, op.params)));
        cell.output_shape = output_shape(op.kind, op.params);
    }
    return cell;
}

CellRun CellRunner::run(const OpSpec& op, const std::string& backend_name, const Variant& variant,
                        std::optional<OpInputs>& inputs) {
    ++m_cell_number;
    Cell cell = new_cell(op, backend_name, variant);
    if (!m_not_run_reason.empty()) return ended_before_running(std::move(cell), CellStatus::skipped, m_not_run_reason);
    const BackendProbe& probe = m_probes.at(backend_name);
    if (!probe.available)
        return ended_before_running(std::move(cell), CellStatus::skipped, "unavailable: " + probe.reason);
    Backend& backend = *m_backends.at(backend_name);
    if (!backend.supports(op)) {
        const std::string why = unavailable_reason(op.kind, op.algorithm, backend_name);
        return ended_before_running(std::move(cell), CellStatus::skipped,
                                    why.empty() ? op.kind + "/" + op.algorithm + " is not implemented on " + backend_name : why);
    }

    cell.threads = backend.threads(variant); // before the tracks copy the cell
    CellRun result;
    result.shared = cell;
    std::vector<double> times;
    if (!backend.writes_named_outputs()) {
        OutputTrack& track = result.tracks[""];
        track.cell = cell;
        track.reference.emplace(Buffer(output_dtype(op.kind, op.params), cell.output_shape));
        track.current.emplace(Buffer(output_dtype(op.kind, op.params), cell.output_shape));
    }
    int completed = 0;
    try {
        run_all(op, backend, variant, cell, result, times, completed, inputs);
    } catch (const RunSkipped& e) {
        // The program said it cannot run here (exit 77, run 1): a skip, like an unavailable backend.
        return ended_before_running(std::move(result.shared), CellStatus::skipped, e.what());
    } catch (const RunFailure& e) {
        return failed(std::move(result), e.what(), e.detail(), completed);
    } catch (const Error& e) {
        return failed(std::move(result), e.what(), "", completed);
    } catch (const std::exception& e) {
        return failed(std::move(result), std::string("unexpected failure: ") + e.what(), "", completed);
    }
    if (completed == 0)
        return ended_before_running(std::move(result.shared), CellStatus::skipped, "interrupted before the first run");

    const TimingStats time = timing_of(times);
    result.shared.runs = static_cast<std::size_t>(completed);
    result.shared.time = time;
    for (auto& [name, track] : result.tracks) finish_track(op, variant, track, time, completed, name);
    return result;
}

void CellRunner::run_all(const OpSpec& op, Backend& backend, const Variant& variant, const Cell& cell,
                         CellRun& result, std::vector<double>& times, int& completed,
                         std::optional<OpInputs>& inputs) {
    if (!inputs) {
        inputs = generate_inputs(op, m_options.interrupt);
        if (interrupted()) { // incomplete: neither run nor dumped
            inputs.reset();
            return;
        }
        const auto names = input_names(op);
        for (std::size_t i = 0; i < inputs->buffers.size(); ++i) m_dumps.write(op, "inputs/" + names[i], inputs->buffers[i]);
    }
    // Marked prepared only once prepare succeeded: after a failure the next cell tries again
    // (and says why it fails) instead of running on a half-prepared backend.
    if (!m_prepared_backends.count(backend.name())) {
        backend.prepare(op, *inputs);
        m_prepared_backends.insert(backend.name());
    }
    const CellRunBudget budget(op, cell_run_count(op, m_options.plan), m_options.plan.auto_runs, m_options.strict);
    const int runs = budget.most();
    // host.load: from before run 1 to after the last run, however the cell ends.
    const BackgroundLoad load(load_of(variant));
    for (int r = 1; r == 1 || budget.another_run(r - 1, result.tracks); ++r) {
        if (interrupted()) break;
        if (m_options.progress) m_options.progress({m_cell_number, m_cells, op.id, backend.name(), variant.name, r, runs});
        if (!backend.writes_named_outputs()) {
            OutputTrack& track = result.tracks.at("");
            times.push_back(backend.run(op, variant, r == 1 ? track.reference->buffer() : track.current->buffer()));
            absorb(op, variant, track, r, "");
        } else {
            RunContext context;
            context.run = r;
            context.run_dir = m_run_dirs.run_dir(op, backend.name(), variant.name, r);
            context.keep_run_files = m_options.keep_runs;
            context.interrupt = m_options.interrupt;
            RunOutputs produced;
            try {
                produced = backend.run_named(op, variant, context);
            } catch (const RunFailure&) {
                if (interrupted()) break; // the program was stopped for Ctrl-C: not its failure
                throw;
            }
            times.push_back(produced.seconds);
            absorb_named(op, variant, cell, result, std::move(produced), r);
            compare_run_trace(op, context.run_dir, r, result); // "trace": true only
        }
        completed = r;
    }
    budget.record(result.tracks, completed);
}

void CellRunner::finish_track(const OpSpec& op, const Variant& variant, OutputTrack& track, const TimingStats& time,
                              int completed, const std::string& name) {
    Cell& cell = track.cell;
    cell.time = time;
    if (cell.status != CellStatus::ok) {
        track.reference.reset();
        return;
    }
    cell.runs = static_cast<std::size_t>(completed);
    cell.distinct_outputs = track.distinct.size();
    if (cell.runs >= 2 && cell.run_to_run.differing_runs == 0)
        cell.p_diff_95 = 1.0 - std::pow(0.05, 1.0 / static_cast<double>(cell.runs - 1));
    const StoredOutput& reference = *track.reference;
    const DType dtype = reference.dtype();
    if (reference.elements() <= k_max_reference_values) {
        const Buffer values = reference.head(k_max_reference_values);
        for (std::size_t i = 0; i < values.elements(); ++i)
            cell.reference_values.push_back(describe_value(dtype, values.data() + i * dtype_size(dtype)));
    }
    // A baseline tolerance is measured later against this run's reference (run --baseline-dumps).
    if (cell.run_to_run.differing_runs > 0 || states_baseline_tolerance(op, name))
        m_dumps.write(op, DumpWriter::cell_dir(cell.backend, variant, name) + "reference", reference);
    track.current.reset();
}

// Run `run` of a single-output cell has been written into the track's reference (run 1) or
// current buffer.
void CellRunner::absorb(const OpSpec& op, const Variant& variant, OutputTrack& track, int run, const std::string& name) {
    Cell& cell = track.cell;
    cell.runs = static_cast<std::size_t>(run);
    if (run == 1) {
        cell.digests.push_back(digest_output(*track.reference));
        track.distinct.insert(cell.digests.back());
        return;
    }
    // One pass over the new output: each chunk is hashed and compared while it is in cache.
    DigestedComparison step = digest_and_compare(*track.reference, *track.current);
    cell.digests.push_back(std::move(step.digest));
    track.distinct.insert(cell.digests.back());
    record_comparison(op, cell, variant, *track.reference, *track.current, run, name, std::move(step.diff));
}

void CellRunner::absorb_named(const OpSpec& op, const Variant& variant, const Cell& shared, CellRun& result,
                              RunOutputs produced, int run) {
    std::set<std::string> seen;
    // An output first seen now starts from the cell's record.
    auto track_of = [&](const std::string& name) -> std::pair<OutputTrack&, bool> {
        auto [it, fresh] = result.tracks.try_emplace(name);
        if (fresh) {
            result.order.push_back(name);
            it->second.cell = shared;
        }
        seen.insert(name);
        return {it->second, fresh};
    };
    for (auto& [name, output] : produced.outputs) {
        auto [track, fresh] = track_of(name);
        if (fresh && run > 1) fail_track(track, "run 1 did not write " + name + "; run " + std::to_string(run) + " did");
        if (track.cell.status != CellStatus::ok) continue;
        if (run == 1) {
            track.cell.output_dtype = std::string(dtype_name(output.dtype()));
            track.cell.output_shape = output.shape();
            track.reference.emplace(std::move(output));
        } else {
            track.current.emplace(std::move(output));
        }
        absorb(op, variant, track, run, name);
    }
    for (const auto& [name, reason] : produced.failed) fail_track(track_of(name).first, reason);
    for (const auto& pattern : produced.missing)
        fail_track(track_of(pattern).first, "run " + std::to_string(run) + " wrote no file " +
                                                (is_glob(pattern) ? "matching " : "named ") + pattern + " in {out}");
    for (auto& [name, track] : result.tracks)
        if (!seen.count(name)) fail_track(track, "run " + std::to_string(run) + " did not write " + name);
}

void CellRunner::record_comparison(const OpSpec& op, Cell& cell, const Variant& variant, const StoredOutput& reference,
                                   const StoredOutput& current, int run, const std::string& output, DiffStats diff) {
    RunToRun& rr = cell.run_to_run;
    ++rr.compared_runs;
    if (!diff.identical) {
        ++rr.differing_runs;
        if (!rr.first_differing_run) {
            rr.first_differing_run = static_cast<std::size_t>(run);
            if (op.kind == "rng") rr.same_multiset = same_multiset(reference.buffer(), current.buffer());
            m_dumps.write(op, DumpWriter::cell_dir(cell.backend, variant, output) + "run-" + std::to_string(run), current);
        }
    }
    if (rr.compared_runs == 1) rr.diff = diff;
    else merge_diff(rr.diff, diff);
}

} // namespace detaudit
