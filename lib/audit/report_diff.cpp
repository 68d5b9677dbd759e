#include "report_diff.hpp"
#include <filesystem>
#include <map>
#include <set>
#include "cell_outputs.hpp"
#include "common/error.hpp"
#include "io/npy_reader.hpp"

namespace fs = std::filesystem;

namespace detaudit {
namespace {

// Fingerprint fields that are known to change numeric results; the rest (memory, kernel, clock
// rates) are shown but not offered as an explanation.
bool explains_numerics(const std::string& field) {
    for (const char* prefix : {"blas.", "cpu.hardware_threads", "cpu.isa", "cpu.model", "numerics_env.", "build.",
                               "cuda.driver_version", "cuda.runtime_version", "cuda.cublas_version", "cuda.curand_version",
                               "cuda.gpu.name", "cuda.gpu.compute_capability", "cuda.gpu.sm_count", "cuda.gpu.mig"})
        if (field.rfind(prefix, 0) == 0) return true;
    return false;
}

void flatten(const nlohmann::json& j, const std::string& path, std::map<std::string, std::string>& out) {
    if (j.is_object()) { // an empty object has no fields, so a field added to it reads "unset" before
        for (const auto& [key, value] : j.items()) flatten(value, path.empty() ? key : path + "." + key, out);
        return;
    }
    out[path] = j.is_string() ? j.get<std::string>() : j.dump();
}

std::string cell_key(const std::string& operation, const Cell& c) {
    return operation + " " + c.backend + "/" + c.variant;
}

bool expected_identical(const OperationReport& op, const std::string& backend) {
    const ExpectationResult* chosen = nullptr;
    for (const auto& e : op.expectations) {
        if (e.backend != backend) continue;
        if (e.axis == "baseline") chosen = &e; // a stated baseline expectation wins
        else if (e.axis == "run_to_run" && (!chosen || chosen->axis != "baseline")) chosen = &e;
    }
    return chosen && chosen->expected == "identical";
}

std::optional<Buffer> dumped_reference(const std::string& dir, const OperationReport& op, const Cell& c) {
    fs::path path = fs::path(dir) / op.id / c.backend / path_safe(c.variant);
    if (!op.output.empty()) path /= path_safe(op.output);
    path /= "reference.npy";
    std::error_code ec;
    if (!fs::is_regular_file(path, ec)) return std::nullopt;
    return read_npy(path.string());
}

void check_same_scenario(const NamedReport& a, const NamedReport& b) {
    if (b.report.schema_version != a.report.schema_version)
        throw Error(ErrorKind::usage, "diff: " + b.name + " has schema_version " + std::to_string(b.report.schema_version) +
                                          ", " + a.name + " " + std::to_string(a.report.schema_version));
    const std::string da = a.report.scenario.value("scenario_digest", "");
    const std::string db = b.report.scenario.value("scenario_digest", "");
    if (da.empty() || db.empty())
        throw Error(ErrorKind::usage, "diff: " + (da.empty() ? a.name : b.name) +
                                          " has no scenario.scenario_digest (written by an older detaudit)");
    if (da != db)
        throw Error(ErrorKind::usage, "diff: " + b.name + " is of another scenario than " + a.name + " (scenario_digest " +
                                          db + " vs " + da + ")");
}

ReportPairDiff diff_pair(const NamedReport& a, const NamedReport& b, const std::string& dumps_a,
                         const std::string& dumps_b) {
    ReportPairDiff out;
    out.a = a.name;
    out.b = b.name;
    out.environment = environment_changes(a.report.environment, b.report.environment);
    std::map<std::string, std::pair<const OperationReport*, const Cell*>> in_b;
    for (const auto& op : b.report.operations)
        for (const auto& c : op.cells) in_b[cell_key(display_name(op), c)] = {&op, &c};
    std::set<std::string> matched;
    for (const auto& op : a.report.operations)
        for (const auto& c : op.cells) {
            const std::string key = cell_key(display_name(op), c);
            const auto it = in_b.find(key);
            if (it == in_b.end()) {
                out.only_in_a.push_back(key);
                continue;
            }
            matched.insert(key);
            const Cell& other = *it->second.second;
            CellDiff d{display_name(op), c.backend, c.variant, std::string(cell_status_name(c.status)),
                       std::string(cell_status_name(other.status)), c.digests.empty() ? "" : c.digests.front(),
                       other.digests.empty() ? "" : other.digests.front(), false, expected_identical(op, c.backend), {}};
            d.same = !d.digest_a.empty() && d.digest_a == d.digest_b;
            if (!d.same && !dumps_a.empty()) {
                auto ref_a = dumped_reference(dumps_a, op, c);
                auto ref_b = dumped_reference(dumps_b, *it->second.first, other);
                if (ref_a && ref_b) d.dumps = compare_buffers(*ref_a, *ref_b);
            }
            ++out.matched;
            ++(d.same ? out.same : out.differing);
            if (d.expected_identical && !d.same) ++out.failed;
            out.cells.push_back(std::move(d));
        }
    for (const auto& op : b.report.operations)
        for (const auto& c : op.cells)
            if (!matched.count(cell_key(display_name(op), c))) out.only_in_b.push_back(cell_key(display_name(op), c));
    return out;
}

} // namespace

std::vector<EnvChange> environment_changes(const nlohmann::json& a, const nlohmann::json& b) {
    std::map<std::string, std::string> fa, fb;
    flatten(a, "", fa);
    flatten(b, "", fb);
    std::set<std::string> fields;
    for (const auto& [k, v] : fa) fields.insert(k);
    for (const auto& [k, v] : fb) fields.insert(k);
    std::vector<EnvChange> changes;
    for (const auto& f : fields) {
        const auto ia = fa.find(f), ib = fb.find(f);
        const std::string va = ia == fa.end() ? "unset" : ia->second;
        const std::string vb = ib == fb.end() ? "unset" : ib->second;
        if (va != vb) changes.push_back({f, va, vb, explains_numerics(f)});
    }
    return changes;
}

ReportDiff diff_reports(const std::vector<NamedReport>& reports, const std::vector<std::string>& dump_dirs) {
    if (reports.size() < 2) throw Error(ErrorKind::usage, "diff: give two reports or more");
    if (!dump_dirs.empty() && dump_dirs.size() != reports.size())
        throw Error(ErrorKind::usage, "--dumps: give one directory per report (" + std::to_string(reports.size()) +
                                          "), not " + std::to_string(dump_dirs.size()));
    ReportDiff diff;
    diff.scenario_name = reports.front().report.scenario.value("name", "");
    diff.scenario_digest = reports.front().report.scenario.value("scenario_digest", "");
    for (std::size_t i = 1; i < reports.size(); ++i) check_same_scenario(reports.front(), reports[i]);
    for (std::size_t i = 1; i < reports.size(); ++i) {
        diff.pairs.push_back(diff_pair(reports.front(), reports[i], dump_dirs.empty() ? "" : dump_dirs.front(),
                                       dump_dirs.empty() ? "" : dump_dirs[i]));
        if (diff.pairs.back().failed > 0) diff.exit_code = 1;
    }
    return diff;
}

} // namespace detaudit
