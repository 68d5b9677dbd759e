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
#include "io/atomic_file.hpp"
#include "io/npy_writer.hpp"
#include "scenario/axes.hpp"
#include <cmath>

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

// One cell's reference output lives on after the cell for cross comparisons.
struct CellOutcome {
    Cell cell;
    std::optional<Buffer> reference;
};

class AuditRun {
public:
    AuditRun(const Scenario& scenario, const RunOptions& options, std::vector<std::unique_ptr<Backend>>& backends)
        : m_scenario(scenario), m_options(options), m_plan(make_plan(scenario, options.plan)) {
        for (auto& b : backends) m_backends[b->name()] = b.get();
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
            m_report.operations.push_back(run_op(i));
        }
        m_report.interrupted = interrupted();
        m_report.duration_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        m_report.summary = summarize(m_report, required_missing);
        return std::move(m_report);
    }

private:
    bool interrupted() const { return m_options.interrupt && m_options.interrupt->load(); }

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

    void dump(const OpSpec& op, const std::string& sub, const Buffer& b) const {
        if (m_options.dump_dir.empty()) return;
        fs::create_directories(fs::path(dump_path(op, sub)).parent_path());
        write_npy(dump_path(op, sub), b);
    }

    OperationReport run_op(std::size_t op_index) {
        const PlannedOp& planned = m_plan.ops[op_index];
        const OpSpec& op = *planned.op;
        OperationReport report;
        report.id = op.id;
        report.kind = op.kind;
        report.algorithm = op.algorithm;
        report.description = op.description;
        report.parameters = op.params;
        report.parameters["seed"] = op.seed;

        std::optional<OpInputs> inputs;
        m_prepared_backends.clear();
        std::map<std::string, Buffer> base_reference;
        for (std::size_t v = 0; v < m_plan.variants.size(); ++v) {
            const Variant& variant = m_plan.variants[v];
            std::vector<std::pair<std::string, Buffer>> variant_references;
            for (const auto& backend_name : planned.backends) {
                if (!variant_applies_to(variant, backend_name)) continue;
                if (interrupted()) break;
                CellOutcome outcome = run_cell(op, backend_name, variant, inputs);
                if (outcome.reference) {
                    if (v == 0) {
                        base_reference.emplace(backend_name, outcome.reference->clone());
                    } else if (base_reference.count(backend_name)) {
                        CellComparison cmp{k_axis_across_variants, backend_name, variant.name,
                                           backend_name + "/base", backend_name + "/" + variant.name,
                                           variant.changed_axes,
                                           compare_buffers(base_reference.at(backend_name), *outcome.reference)};
                        report.across_variants.push_back(std::move(cmp));
                    }
                    variant_references.emplace_back(backend_name, std::move(*outcome.reference));
                }
                report.cells.push_back(std::move(outcome.cell));
            }
            // cross_backend: every other backend against the first that produced a reference.
            for (std::size_t k = 1; k < variant_references.size(); ++k) {
                const auto& [ref_name, ref] = variant_references.front();
                const auto& [other_name, other] = variant_references[k];
                report.cross_backend.push_back(CellComparison{k_axis_cross_backend, ref_name + "~" + other_name,
                                                              variant.name, ref_name + "/" + variant.name,
                                                              other_name + "/" + variant.name, {},
                                                              compare_buffers(ref, other)});
            }
        }
        judge_op(op, planned, report);
        classify(report);
        attribute(report, m_plan.variants);
        return report;
    }

    CellOutcome skipped(Cell cell, CellStatus status, const std::string& reason) {
        cell.status = status;
        cell.reason = reason;
        return {std::move(cell), std::nullopt};
    }

    CellOutcome run_cell(const OpSpec& op, const std::string& backend_name, const Variant& variant,
                         std::optional<OpInputs>& inputs) {
        ++m_cell_number;
        Cell cell;
        cell.backend = backend_name;
        cell.variant = variant.name;
        for (auto& [axis, value] : variant.settings.items())
            if (axis.rfind(backend_name + ".", 0) == 0) cell.settings[axis] = value;
        const DType dtype = output_dtype(op.kind, op.params);
        cell.output_dtype = std::string(dtype_name(dtype));
        cell.output_shape = output_shape(op.kind, op.params);

        if (!m_not_run_reason.empty()) return skipped(std::move(cell), CellStatus::skipped, m_not_run_reason);
        const BackendProbe& probe = m_probes[backend_name];
        if (!probe.available) return skipped(std::move(cell), CellStatus::skipped, "unavailable: " + probe.reason);
        Backend& backend = *m_backends.at(backend_name);
        if (!backend.supports(op))
            return skipped(std::move(cell), CellStatus::skipped,
                           op.kind + "/" + op.algorithm + " is not implemented on " + backend_name);

        const int runs = m_options.plan.runs.value_or(op.runs);
        Buffer reference(dtype, cell.output_shape);
        Buffer current(dtype, cell.output_shape);
        std::vector<double> times;
        std::set<std::string> distinct;
        try {
            if (!inputs) {
                inputs = generate_inputs(op);
                const auto names = input_names(op);
                for (std::size_t i = 0; i < inputs->buffers.size(); ++i)
                    dump(op, "inputs/" + names[i] + ".npy", inputs->buffers[i]);
            }
            if (m_prepared_backends.insert(backend_name).second) backend.prepare(op, *inputs);
            for (int r = 1; r <= runs; ++r) {
                if (interrupted()) break;
                if (m_options.progress)
                    m_options.progress({m_cell_number, m_plan.cells.size(), op.id, backend_name, variant.name, r, runs});
                Buffer& out = r == 1 ? reference : current;
                times.push_back(backend.run(op, variant, out));
                cell.digests.push_back(digest_bytes(out.bytes()));
                distinct.insert(cell.digests.back());
                cell.runs = static_cast<std::size_t>(r);
                if (r == 1) continue;
                record_comparison(op, cell, variant, reference, current, r);
            }
        } catch (const Error& e) {
            return skipped(std::move(cell), CellStatus::error, e.what());
        } catch (const std::exception& e) {
            return skipped(std::move(cell), CellStatus::error, std::string("unexpected failure: ") + e.what());
        }
        if (cell.runs == 0) return skipped(std::move(cell), CellStatus::skipped, "interrupted before the first run");

        cell.distinct_outputs = distinct.size();
        cell.time.cold_s = times.front();
        std::vector<double> warm(times.size() > 1 ? times.begin() + 1 : times.begin(), times.end());
        cell.time.min_s = *std::min_element(warm.begin(), warm.end());
        cell.time.max_s = *std::max_element(warm.begin(), warm.end());
        cell.time.median_s = median(warm);
        if (cell.runs >= 2 && cell.run_to_run.differing_runs == 0)
            cell.p_diff_95 = 1.0 - std::pow(0.05, 1.0 / static_cast<double>(cell.runs - 1));
        if (reference.elements() <= k_max_reference_values)
            for (std::size_t i = 0; i < reference.elements(); ++i)
                cell.reference_values.push_back(describe_value(dtype, reference.data() + i * dtype_size(dtype)));
        if (cell.run_to_run.differing_runs > 0)
            dump(op, backend_name + "/" + variant.name + "/reference.npy", reference);
        return {std::move(cell), std::move(reference)};
    }

    void record_comparison(const OpSpec& op, Cell& cell, const Variant& variant, const Buffer& reference,
                           const Buffer& current, int run) {
        RunToRun& rr = cell.run_to_run;
        ++rr.compared_runs;
        DiffStats diff;
        if (cell.digests.back() == cell.digests.front()) {
            // Equal 128-bit digests: identical without reading the buffers again.
            diff.elements = reference.elements();
            diff.ulp_histogram[0] = reference.elements();
        } else {
            diff = compare_buffers(reference, current);
        }
        if (!diff.identical) {
            ++rr.differing_runs;
            if (!rr.first_differing_run) {
                rr.first_differing_run = static_cast<std::size_t>(run);
                if (op.kind == "rng") rr.same_multiset = same_multiset(reference, current);
                dump(op, cell.backend + "/" + variant.name + "/run-" + std::to_string(run) + ".npy", current);
            }
        }
        if (rr.compared_runs == 1) rr.diff = diff;
        else merge_diff(rr.diff, diff);
    }

    void judge_op(const OpSpec& op, const PlannedOp& planned, OperationReport& report) {
        for (const auto& backend : planned.backends) {
            std::vector<LabelledDiff> run_to_run;
            std::size_t skipped_cells = 0;
            for (const auto& c : report.cells) {
                if (c.backend != backend) continue;
                if (c.status != CellStatus::ok || c.runs < 2) {
                    ++skipped_cells;
                    continue;
                }
                run_to_run.push_back({backend + "/" + c.variant, &c.run_to_run.diff,
                                      std::to_string(c.run_to_run.differing_runs) + "/" +
                                          std::to_string(c.run_to_run.compared_runs) + " runs differ"});
            }
            const std::string r2r_reason = skipped_cells ? "no cell of this backend ran twice or more"
                                                         : "no cells on this backend";
            report.expectations.push_back(judge(k_axis_run_to_run, backend,
                                                effective_expectation(op, k_axis_run_to_run, m_options.strict),
                                                run_to_run, r2r_reason));
            std::vector<LabelledDiff> across;
            for (const auto& cmp : report.across_variants)
                if (cmp.backend == backend) across.push_back({cmp.other, &cmp.diff, ""});
            report.expectations.push_back(judge(k_axis_across_variants, backend,
                                                effective_expectation(op, k_axis_across_variants, m_options.strict),
                                                across,
                                                m_plan.variants.size() > 1 ? "no variant of this backend completed"
                                                                           : "the scenario varies nothing"));
        }
        for (std::size_t k = 1; k < planned.backends.size(); ++k) {
            const std::string pair = planned.backends.front() + "~" + planned.backends[k];
            std::vector<LabelledDiff> cross;
            for (const auto& cmp : report.cross_backend)
                if (cmp.backend == pair) cross.push_back({cmp.reference + " vs " + cmp.other, &cmp.diff, ""});
            report.expectations.push_back(judge(k_axis_cross_backend, pair,
                                                effective_expectation(op, k_axis_cross_backend, m_options.strict),
                                                cross, "a backend produced no output to compare"));
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
