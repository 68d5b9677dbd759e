#include "trace/trace_align.hpp"
#include <filesystem>
#include "common/error.hpp"
#include "io/npy_reader.hpp"
#include "trace/trace_reader.hpp"

namespace detaudit::trace {
namespace {

InputsMatch compare_inputs(const TraceRecord& a, const TraceRecord& b) {
    if (a.inputs.empty() || b.inputs.empty()) return InputsMatch::not_recorded;
    return a.inputs == b.inputs ? InputsMatch::match : InputsMatch::differ;
}

DifferingRecord differing_record(const TraceRecord& a, const TraceRecord& b) {
    DifferingRecord r;
    r.seq = a.seq;
    r.name = a.name;
    r.digest_a = a.digest;
    r.digest_b = b.digest;
    r.dtype_a = a.dtype;
    r.dtype_b = b.dtype;
    r.shape_a = a.shape;
    r.shape_b = b.shape;
    r.inputs = compare_inputs(a, b);
    r.values_a = a.values;
    r.values_b = b.values;
    return r;
}

// ULP/abs/rel of a record whose values both sides kept, as `detaudit compare` computes them.
void add_value_stats(DifferingRecord& r) {
    if (r.values_a.empty() || r.values_b.empty()) return;
    try {
        // Values files are named by the trace: a link or a FIFO there is refused, not followed or
        // waited on (a FIFO would block the audit forever).
        for (const std::string& path : {r.values_a, r.values_b}) {
            std::error_code ec;
            if (!std::filesystem::is_regular_file(std::filesystem::symlink_status(path, ec)))
                throw Error(ErrorKind::runtime, path + ": kept values must be a regular file (not a link, FIFO or device)");
        }
        r.stats = compare_buffers(read_npy(r.values_a), read_npy(r.values_b));
    } catch (const Error& e) {
        r.stats_error = e.what();
    }
}

} // namespace

const char* inputs_match_name(InputsMatch m) {
    switch (m) {
    case InputsMatch::match: return "match";
    case InputsMatch::differ: return "differ";
    case InputsMatch::not_recorded: return "not_recorded";
    }
    return "not_recorded";
}

TraceDivergence align_traces(const std::string& path_a, const std::string& path_b) {
    TraceReader ra(path_a), rb(path_b);
    if (ra.digest_algorithm() != rb.digest_algorithm())
        throw Error(ErrorKind::scenario, "traces " + path_a + " and " + path_b + " use different digests (" +
                                             ra.digest_algorithm() + " vs " + rb.digest_algorithm() +
                                             "): they cannot be compared");
    TraceDivergence d;
    d.path_a = path_a;
    d.path_b = path_b;
    TraceRecord a, b;
    bool more_a = ra.next(a), more_b = rb.next(b);
    while (more_a && more_b && !d.split) {
        if (a.name != b.name) {
            d.split = PathSplit{a.seq, a.name, b.name};
            break;
        }
        ++d.aligned;
        if (a.digest != b.digest || a.dtype != b.dtype || a.shape != b.shape) {
            ++d.differing;
            const bool need_row = !d.first || d.table.size() < k_table_rows ||
                                  (!d.root && compare_inputs(a, b) == InputsMatch::match);
            if (need_row) {
                DifferingRecord r = differing_record(a, b);
                if (!d.first) d.first = r;
                if (!d.root && r.inputs == InputsMatch::match) d.root = r;
                if (d.table.size() < k_table_rows) d.table.push_back(std::move(r));
            }
        }
        more_a = ra.next(a);
        more_b = rb.next(b);
    }
    if (!d.split && more_a != more_b) d.split = PathSplit{more_a ? a.seq : b.seq, more_a ? a.name : "", more_b ? b.name : ""};
    // Read both to the end: the counts, and a truncated or malformed tail is still an error.
    uint64_t count_a = more_a ? a.seq + 1 : d.aligned, count_b = more_b ? b.seq + 1 : d.aligned;
    while (more_a && (more_a = ra.next(a))) count_a = a.seq + 1;
    while (more_b && (more_b = rb.next(b))) count_b = b.seq + 1;
    d.records_a = count_a;
    d.records_b = count_b;
    if (d.first) add_value_stats(*d.first);
    if (d.root) add_value_stats(*d.root);
    return d;
}

std::string describe_divergence(const TraceDivergence& d) {
    std::string out;
    if (d.first) {
        const DifferingRecord& f = *d.first;
        out = "first differs at #" + std::to_string(f.seq) + " " + f.name;
        if (f.inputs == InputsMatch::match) {
            out += " (inputs identical: this is where it starts)";
        } else if (f.inputs == InputsMatch::differ) {
            out += d.root ? " (inputs differ: propagated; the first record whose inputs matched is #" +
                                std::to_string(d.root->seq) + " " + d.root->name + ")"
                          : " (inputs differ: propagated; no differing record had identical inputs)";
        } else {
            out += d.root ? " (inputs not recorded; the first record whose inputs matched is #" +
                                std::to_string(d.root->seq) + " " + d.root->name + ")"
                          : " (inputs not recorded)";
        }
        if (f.stats && !f.stats->shape_mismatch && !f.stats->raw_bytes)
            out += ", max " + std::to_string(f.stats->max_ulp) + " ULP";
        const uint64_t later = d.differing - 1;
        out += "; " + std::to_string(later) + (later == 1 ? " later record differs" : " later records differ");
    }
    if (d.split) {
        auto quoted = [](const std::string& n) { return n.empty() ? std::string("(end of trace)") : "`" + n + "`"; };
        if (!out.empty()) out += "; ";
        out += "the runs took different paths at record " + std::to_string(d.split->seq) + ": " +
               quoted(d.split->name_a) + " vs " + quoted(d.split->name_b);
    }
    return out.empty() ? "traces identical (" + std::to_string(d.records_a) + " records)" : out;
}

} // namespace detaudit::trace
