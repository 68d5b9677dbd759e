#include "runner.hpp"
#include <algorithm>
#include <chrono>
#include <ctime>
#include <filesystem>
#include <map>
#include <set>
#include "catalog/catalog.hpp"
#include "common/error.hpp"
#include "compare/digest.hpp"
#include "env/fingerprint.hpp"
#include "attribution.hpp"
#include "expectations.hpp"
#include "inputs.hpp"
#include "trace_divergence.hpp"
#include "io/atomic_file.hpp"
#include "io/npy_writer.hpp"
#include "scenario/axes.hpp"
#include <cctype>
#include <cerrno>
#include <fnmatch.h>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <unistd.h>
#include "cell_outputs.hpp"
#include "exec/output_files.hpp"
#include "exec/run_dirs.hpp"

#ifndef DETAUDIT_VERSION
#define DETAUDIT_VERSION "0.0.0"
#endif

namespace fs = std::filesystem;

namespace detaudit {
namespace {

constexpr std::size_t k_max_reference_values = 16;

std::string iso_utc_now() {
    const std::time_t t = std::time(nullptr);
    std::tm tm{};
    gmtime_r(&t, &tm);
    char text[32];
    std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return text;
}

double median(std::vector<double> v) {
    std::sort(v.begin(), v.end());
    const std::size_t n = v.size();
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

class AuditRun {
public:
    AuditRun(const Scenario& scenario, const RunOptions& options, std::vector<std::unique_ptr<Backend>>& backends)
        : m_scenario(scenario), m_options(options), m_plan(make_plan(scenario, options.plan)),
          m_run_dirs(options.dump_dir, options.keep_runs) {
        for (auto& b : backends) m_backends[b->name()] = b.get();
        // Before any work: an exec op's run directories are this audit's alone.
        std::vector<std::string> exec_ids;
        for (const auto& p : m_plan.ops)
            if (p.op->kind == "exec") exec_ids.push_back(p.op->id);
        m_run_dirs.claim(exec_ids);
    }

    AuditReport execute() {
        const auto start = std::chrono::steady_clock::now();
        m_report.tool = tool_info();
        m_report.scenario = {{"name", m_scenario.name},      {"path", m_scenario.path},
                             {"digest", m_scenario.file_digest}, {"description", m_scenario.description},
                             {"seed", m_scenario.seed},      {"strict", m_options.strict},
                             {"runs", m_options.plan.runs.value_or(m_scenario.runs)},
                             {"vary_mode", m_scenario.vary_product ? "product" : "one_at_a_time"}};
        m_report.started_at = iso_utc_now();
        m_report.environment = environment_fingerprint();
        probe_backends();

        bool required_missing = false;
        for (const auto& name : m_options.require)
            if (!m_probes.count(name) || !m_probes[name].available) {
                required_missing = true;
                m_not_run_reason = "not run: --require " + name + " and " + name + " is unavailable";
            }

        for (std::size_t i = 0; i < m_plan.ops.size(); ++i) {
            if (interrupted()) break;
            for (auto& report : run_op(i)) m_report.operations.push_back(std::move(report));
        }
        finish_runs_root();
        m_report.interrupted = interrupted();
        m_report.duration_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        m_report.summary = summarize(m_report, required_missing);
        return std::move(m_report);
    }

private:
    bool interrupted() const { return m_options.interrupt && m_options.interrupt->load(); }

    // Exec run directories in a temporary root go with it, unless --keep-runs.
    void finish_runs_root() { m_report.runs_dir = m_run_dirs.finish(); }

    void probe_backends() {
        std::set<std::string> wanted(m_options.require.begin(), m_options.require.end());
        for (const auto& p : m_plan.ops) wanted.insert(p.backends.begin(), p.backends.end());
        for (const auto& name : wanted) {
            BackendStatus status{name, false, "", ""};
            auto it = m_backends.find(name);
            if (it == m_backends.end()) {
                status.reason = "not compiled into this detaudit (compiled: " +
                                join(compiled_backend_names()) + ")";
                m_probes[name] = BackendProbe{false, status.reason, "", {}};
            } else {
                m_probes[name] = it->second->probe();
                status.available = m_probes[name].available;
                status.reason = m_probes[name].reason;
                status.device = m_probes[name].device;
                if (!m_probes[name].environment.empty()) m_report.environment[name] = m_probes[name].environment;
            }
            m_report.backends.push_back(status);
        }
    }

    static std::string join(const std::vector<std::string>& v) {
        std::string out;
        for (const auto& s : v) out += (out.empty() ? "" : ", ") + s;
        return out;
    }

    std::string dump_path(const OpSpec& op, const std::string& sub) const {
        return (fs::path(m_options.dump_dir) / op.id / sub).string();
    }

    // Arrays as .npy; a file that is not an array (an exec output) as its own bytes.
    void dump(const OpSpec& op, const std::string& sub, const Buffer& b) const {
        if (m_options.dump_dir.empty()) return;
        fs::create_directories(fs::path(dump_path(op, sub)).parent_path());
        if (b.dtype() == DType::bytes)
            write_file_atomically(dump_path(op, sub) + ".bytes",
                                  std::string(reinterpret_cast<const char*>(b.data()), b.size_bytes()));
        else
            write_npy(dump_path(op, sub) + ".npy", b);
    }

    // Where one cell's dumps go: "<backend>/<variant>/" then, for a named output, its name.
    static std::string cell_dump_dir(const std::string& backend, const Variant& variant, const std::string& output) {
        std::string dir = backend + "/" + path_safe(variant.name) + "/";
        if (!output.empty()) dir += path_safe(output) + "/";
        return dir;
    }

    std::vector<OperationReport> run_op(std::size_t op_index) {
        const PlannedOp& planned = m_plan.ops[op_index];
        const OpSpec& op = *planned.op;
        OpOutputs outputs;
        for (const auto& name : declared_output_names(op)) outputs.add(name);

        std::optional<OpInputs> inputs;
        m_prepared_backends.clear();
        std::vector<CellRecord> records; // every cell in order, without buffers
        for (std::size_t v = 0; v < m_plan.variants.size(); ++v) {
            const Variant& variant = m_plan.variants[v];
            std::map<std::string, std::vector<std::pair<std::string, Buffer>>> variant_references;
            for (const auto& backend_name : planned.backends) {
                if (!variant_applies_to(variant, backend_name)) continue;
                if (interrupted()) break;
                CellRun run = run_cell(op, backend_name, variant, inputs);
                CellRecord record{std::move(run.shared), run.whole, {}};
                for (const auto& name : run.order) outputs.add(name);
                for (auto& [name, track] : run.tracks) {
                    outputs.add(name);
                    OutputState& state = outputs.state(name);
                    if (track.reference && track.cell.status == CellStatus::ok) {
                        if (v == 0) {
                            state.base_reference.emplace(backend_name, track.reference->clone());
                        } else if (state.base_reference.count(backend_name)) {
                            state.across_variants.push_back(
                                CellComparison{k_axis_across_variants, backend_name, variant.name,
                                               backend_name + "/base", backend_name + "/" + variant.name,
                                               variant.changed_axes,
                                               compare_buffers(state.base_reference.at(backend_name), *track.reference)});
                        }
                        variant_references[name].emplace_back(backend_name, std::move(*track.reference));
                    }
                    record.outputs.emplace(name, std::move(track.cell));
                }
                records.push_back(std::move(record));
            }
            // cross_backend: every other backend against the first that produced a reference.
            for (auto& [name, references] : variant_references)
                for (std::size_t k = 1; k < references.size(); ++k) {
                    const auto& [ref_name, ref] = references.front();
                    const auto& [other_name, other] = references[k];
                    outputs.state(name).cross_backend.push_back(
                        CellComparison{k_axis_cross_backend, ref_name + "~" + other_name, variant.name,
                                       ref_name + "/" + variant.name, other_name + "/" + variant.name, {},
                                       compare_buffers(ref, other)});
                }
        }
        // A glob or archive nothing was seen of (its program failed every time, say) is reported
        // under its own pattern, so no declared output goes missing from the report.
        for (const auto& p : op.params.value("outputs", nlohmann::json::array())) {
            const std::string pattern = p.get<std::string>();
            if (std::none_of(outputs.names.begin(), outputs.names.end(),
                             [&](const std::string& name) { return pattern_matches_output(pattern, name); }))
                outputs.add(pattern);
        }
        order_as_declared(op, outputs.names);

        std::vector<OperationReport> reports;
        for (const auto& name : outputs.names) {
            OutputState& state = outputs.state(name);
            OperationReport report;
            report.id = op.id;
            report.output = name;
            report.kind = op.kind;
            report.algorithm = op.algorithm;
            report.description = op.description;
            report.parameters = op.params;
            report.parameters["seed"] = op.seed;
            for (const auto& record : records) {
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
            judge_op(op, planned, report);
            classify(report);
            attribute(report, m_plan.variants);
            reports.push_back(std::move(report));
        }
        add_cell_trace_divergences(op, reports, [&](const std::string& backend, const std::string& variant) {
            return (fs::path(m_run_dirs.root()) / op.id / backend / path_safe(variant) / "run-1").string();
        });
        return reports;
    }

    // The cell record every output of the cell starts from: identity, settings, declared type.
    Cell new_cell(const OpSpec& op, const std::string& backend_name, const Variant& variant) const {
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

    CellRun ended_before_running(Cell cell, CellStatus status, const std::string& reason) {
        cell.status = status;
        cell.reason = reason;
        CellRun run;
        run.shared = std::move(cell);
        run.whole = true;
        return run;
    }

    CellRun run_cell(const OpSpec& op, const std::string& backend_name, const Variant& variant,
                     std::optional<OpInputs>& inputs) {
        ++m_cell_number;
        Cell cell = new_cell(op, backend_name, variant);
        if (!m_not_run_reason.empty()) return ended_before_running(std::move(cell), CellStatus::skipped, m_not_run_reason);
        const BackendProbe& probe = m_probes[backend_name];
        if (!probe.available)
            return ended_before_running(std::move(cell), CellStatus::skipped, "unavailable: " + probe.reason);
        Backend& backend = *m_backends.at(backend_name);
        if (!backend.supports(op)) {
            const std::string why = unavailable_reason(op.kind, op.algorithm, backend_name);
            return ended_before_running(std::move(cell), CellStatus::skipped,
                                        why.empty() ? op.kind + "/" + op.algorithm + " is not implemented on " + backend_name : why);
        }

        cell.threads = backend.threads(variant); // before the tracks copy the cell
        const int runs = m_options.plan.runs.value_or(op.runs);
        const bool named = backend.writes_named_outputs();
        CellRun result;
        result.shared = cell;
        std::vector<double> times;
        if (!named) {
            OutputTrack& track = result.tracks[""];
            track.cell = cell;
            track.reference.emplace(output_dtype(op.kind, op.params), cell.output_shape);
            track.current.emplace(output_dtype(op.kind, op.params), cell.output_shape);
        }
        int completed = 0;
        try {
            if (!inputs) {
                inputs = generate_inputs(op, m_options.interrupt);
                if (interrupted()) { // incomplete: neither run nor dumped
                    inputs.reset();
                    return ended_before_running(std::move(result.shared), CellStatus::skipped, "interrupted before the first run");
                }
                const auto names = input_names(op);
                for (std::size_t i = 0; i < inputs->buffers.size(); ++i)
                    dump(op, "inputs/" + names[i], inputs->buffers[i]);
            }
            // Marked prepared only once prepare succeeded: after a failure the next cell tries again
            // (and says why it fails) instead of running on a half-prepared backend.
            if (!m_prepared_backends.count(backend_name)) {
                backend.prepare(op, *inputs);
                m_prepared_backends.insert(backend_name);
            }
            for (int r = 1; r <= runs; ++r) {
                if (interrupted()) break;
                if (m_options.progress)
                    m_options.progress({m_cell_number, m_plan.cells.size(), op.id, backend_name, variant.name, r, runs});
                if (!named) {
                    OutputTrack& track = result.tracks.at("");
                    times.push_back(backend.run(op, variant, r == 1 ? *track.reference : *track.current));
                    absorb(op, variant, track, r, "");
                } else {
                    RunContext context;
                    context.run = r;
                    context.run_dir = (fs::path(m_run_dirs.root()) / op.id / backend_name / path_safe(variant.name) /
                                       ("run-" + std::to_string(r))).string();
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

        TimingStats time;
        time.cold_s = times.front();
        std::vector<double> warm(times.size() > 1 ? times.begin() + 1 : times.begin(), times.end());
        time.min_s = *std::min_element(warm.begin(), warm.end());
        time.max_s = *std::max_element(warm.begin(), warm.end());
        time.median_s = median(warm);
        result.shared.runs = static_cast<std::size_t>(completed);
        result.shared.time = time;
        for (auto& [name, track] : result.tracks) finish_track(op, variant, track, time, completed, name);
        return result;
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

    void finish_track(const OpSpec& op, const Variant& variant, OutputTrack& track, const TimingStats& time,
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
        const Buffer& reference = *track.reference;
        const DType dtype = reference.dtype();
        if (reference.elements() <= k_max_reference_values)
            for (std::size_t i = 0; i < reference.elements(); ++i)
                cell.reference_values.push_back(describe_value(dtype, reference.data() + i * dtype_size(dtype)));
        if (cell.run_to_run.differing_runs > 0) dump(op, cell_dump_dir(cell.backend, variant, name) + "reference", reference);
        track.current.reset();
    }

    // Run `run` of a single-output cell has been written into the track's reference (run 1) or
    // current buffer.
    void absorb(const OpSpec& op, const Variant& variant, OutputTrack& track, int run, const std::string& name) {
        Cell& cell = track.cell;
        const Buffer& out = run == 1 ? *track.reference : *track.current;
        cell.digests.push_back(digest_bytes(out.bytes()));
        track.distinct.insert(cell.digests.back());
        cell.runs = static_cast<std::size_t>(run);
        if (run > 1) record_comparison(op, cell, variant, *track.reference, *track.current, run, name);
    }

    void absorb_named(const OpSpec& op, const Variant& variant, const Cell& shared, CellRun& result,
                      RunOutputs produced, int run) {
        std::set<std::string> seen;
        for (auto& [name, buffer] : produced.outputs) {
            seen.insert(name);
            auto [it, fresh] = result.tracks.try_emplace(name);
            OutputTrack& track = it->second;
            if (fresh) {
                result.order.push_back(name);
                track.cell = shared;
                if (run > 1) fail_track(track, "run 1 did not write " + name + "; run " + std::to_string(run) + " did");
            }
            if (track.cell.status != CellStatus::ok) continue;
            if (run == 1) {
                track.cell.output_dtype = std::string(dtype_name(buffer.dtype()));
                track.cell.output_shape = buffer.shape();
                track.reference.emplace(std::move(buffer));
            } else {
                track.current.emplace(std::move(buffer));
            }
            absorb(op, variant, track, run, name);
        }
        for (const auto& [name, reason] : produced.failed) {
            seen.insert(name);
            auto [it, fresh] = result.tracks.try_emplace(name);
            if (fresh) {
                result.order.push_back(name);
                it->second.cell = shared;
            }
            fail_track(it->second, reason);
        }
        for (const auto& pattern : produced.missing) {
            seen.insert(pattern);
            auto [it, fresh] = result.tracks.try_emplace(pattern);
            if (fresh) {
                result.order.push_back(pattern);
                it->second.cell = shared;
            }
            fail_track(it->second, "run " + std::to_string(run) + " wrote no file " +
                                       (is_glob(pattern) ? "matching " : "named ") + pattern + " in {out}");
        }
        for (auto& [name, track] : result.tracks)
            if (!seen.count(name)) fail_track(track, "run " + std::to_string(run) + " did not write " + name);
    }

    static void fail_track(OutputTrack& track, const std::string& reason) {
        if (track.cell.status != CellStatus::ok) return; // the first failure is the one to fix
        track.cell.status = CellStatus::error;
        track.cell.reason = reason;
        track.reference.reset();
        track.current.reset();
    }

    void record_comparison(const OpSpec& op, Cell& cell, const Variant& variant, const Buffer& reference,
                           const Buffer& current, int run, const std::string& output) {
        RunToRun& rr = cell.run_to_run;
        ++rr.compared_runs;
        DiffStats diff;
        if (cell.digests.back() == cell.digests.front() && reference.dtype() == current.dtype() &&
            reference.shape() == current.shape()) {
            // Equal 128-bit digests: identical without reading the buffers again.
            diff.elements = reference.elements();
            diff.ulp_histogram[0] = reference.elements();
            diff.raw_bytes = reference.dtype() == DType::bytes;
            diff.dtype = reference.dtype();
        } else {
            diff = compare_buffers(reference, current);
        }
        if (!diff.identical) {
            ++rr.differing_runs;
            if (!rr.first_differing_run) {
                rr.first_differing_run = static_cast<std::size_t>(run);
                if (op.kind == "rng") rr.same_multiset = same_multiset(reference, current);
                dump(op, cell_dump_dir(cell.backend, variant, output) + "run-" + std::to_string(run), current);
            }
        }
        if (rr.compared_runs == 1) rr.diff = diff;
        else merge_diff(rr.diff, diff);
    }

    // Why an expectation on `backends` (one, or both of a cross-backend pair) has nothing to
    // compare: a failed cell, or every cell skipped for the same reason, say so; else `fallback`.
    static std::string why_not_evaluated(const OperationReport& report, const std::vector<std::string>& backends,
                                         const std::string& fallback, bool& cells_failed) {
        const Cell* skipped = nullptr;
        bool all_skipped = true, any = false;
        for (const auto& c : report.cells) {
            if (std::find(backends.begin(), backends.end(), c.backend) == backends.end()) continue;
            any = true;
            if (c.status == CellStatus::error) {
                cells_failed = true;
                return "a cell failed: " + c.backend + "/" + c.variant + ": " + c.reason;
            }
            if (c.status == CellStatus::skipped) {
                if (!skipped) skipped = &c;
                all_skipped = all_skipped && c.reason == skipped->reason;
            } else {
                all_skipped = false;
            }
        }
        if (any && all_skipped && skipped) return skipped->backend + " cells skipped: " + skipped->reason;
        return fallback;
    }

    void judge_on(const OpSpec& op, OperationReport& report, const std::string& axis, const std::string& backend,
                  const std::vector<std::string>& cell_backends, const std::vector<LabelledDiff>& comparisons,
                  const std::string& fallback) {
        bool cells_failed = false;
        const std::string reason = comparisons.empty() ? why_not_evaluated(report, cell_backends, fallback, cells_failed) : "";
        ExpectationResult r = judge(axis, backend, effective_expectation(op, axis, m_options.strict, report.output),
                                    comparisons, reason);
        // A failed cell leaves the expectation unproven even when the other cells' comparisons held.
        r.cells_failed = cells_failed || std::any_of(report.cells.begin(), report.cells.end(), [&](const Cell& c) {
            return c.status == CellStatus::error &&
                   std::find(cell_backends.begin(), cell_backends.end(), c.backend) != cell_backends.end();
        });
        report.expectations.push_back(std::move(r));
    }

    void judge_op(const OpSpec& op, const PlannedOp& planned, OperationReport& report) {
        for (const auto& backend : planned.backends) {
            std::vector<LabelledDiff> run_to_run;
            std::size_t skipped_cells = 0;
            for (auto& c : report.cells) {
                if (c.backend != backend) continue;
                if (c.status != CellStatus::ok || c.runs < 2) {
                    ++skipped_cells;
                    continue;
                }
                run_to_run.push_back({backend + "/" + c.variant, &c.run_to_run.diff,
                                      std::to_string(c.run_to_run.differing_runs) + "/" +
                                          std::to_string(c.run_to_run.compared_runs) + " runs differ",
                                      &c.run_to_run.verdict});
            }
            judge_on(op, report, k_axis_run_to_run, backend, {backend}, run_to_run,
                     skipped_cells ? "no cell of this backend ran twice or more" : "no cells on this backend");
            std::vector<LabelledDiff> across;
            for (auto& cmp : report.across_variants)
                if (cmp.backend == backend) across.push_back({cmp.other, &cmp.diff, "", &cmp.verdict});
            judge_on(op, report, k_axis_across_variants, backend, {backend}, across,
                     m_plan.variants.size() > 1 ? "no variant of this backend completed" : "the scenario varies nothing");
        }
        for (std::size_t k = 1; k < planned.backends.size(); ++k) {
            const std::string pair = planned.backends.front() + "~" + planned.backends[k];
            std::vector<LabelledDiff> cross;
            for (auto& cmp : report.cross_backend)
                if (cmp.backend == pair) cross.push_back({cmp.reference + " vs " + cmp.other, &cmp.diff, "", &cmp.verdict});
            judge_on(op, report, k_axis_cross_backend, pair, {planned.backends.front(), planned.backends[k]}, cross,
                     "a backend produced no output to compare");
        }
    }

    const Scenario& m_scenario;
    const RunOptions& m_options;
    Plan m_plan;
    std::map<std::string, Backend*> m_backends;
    std::map<std::string, BackendProbe> m_probes;
    AuditReport m_report;
    std::size_t m_cell_number = 0;
    std::string m_not_run_reason; // a required backend is missing: every cell is skipped
    std::set<std::string> m_prepared_backends; // for the op running now
    RunDirs m_run_dirs;                        // exec run directories: where, and locked for this audit
};

} // namespace

nlohmann::json tool_info() {
    return {{"name", "detaudit"}, {"version", DETAUDIT_VERSION}, {"backends", compiled_backend_names()}};
}

AuditReport run_audit(const Scenario& scenario, const RunOptions& options,
                      std::vector<std::unique_ptr<Backend>>& backends) {
    return AuditRun(scenario, options, backends).execute();
}

} // namespace detaudit
