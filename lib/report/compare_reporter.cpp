#include "report/compare_reporter.hpp"
#include <cmath>
#include <cstdio>
#include "compare/diff_text.hpp"
#include "common/error.hpp"
#include "report/json_reporter.hpp"

namespace detaudit {
namespace {

using Json = nlohmann::ordered_json;

std::string number_text(double v) { return magnitude_text(v); }

// Tolerances as given: integers stay integers ("--max-ulp 4" is 4, not 4.0).
Json bound_json(double v) {
    if (std::floor(v) == v && std::fabs(v) < 9007199254740992.0) return static_cast<long long>(v);
    return v;
}

std::string shape_text(const std::vector<std::size_t>& shape) {
    std::string out = "(";
    for (std::size_t i = 0; i < shape.size(); ++i) out += (i ? ", " : "") + std::to_string(shape[i]);
    return out + (shape.size() == 1 ? ",)" : ")");
}

// "[1, 7]" for flat index 17 of shape (2, 10).
std::string multi_index_text(std::size_t flat, const std::vector<std::size_t>& shape) {
    std::vector<std::size_t> index(shape.size());
    for (std::size_t j = shape.size(); j-- > 0;) {
        index[j] = shape[j] ? flat % shape[j] : 0;
        flat = shape[j] ? flat / shape[j] : 0;
    }
    std::string out = "[";
    for (std::size_t j = 0; j < index.size(); ++j) out += (j ? ", " : "") + std::to_string(index[j]);
    return out + "]";
}

std::string tolerance_text(const ArrayTolerance& t) {
    if (!t.any()) return "identical";
    std::string out;
    auto add = [&](const char* name, const std::optional<double>& v) {
        if (v) out += std::string(out.empty() ? "" : ", ") + name + " " + number_text(*v);
    };
    add("max-ulp", t.max_ulp);
    add("max-abs", t.max_abs);
    add("max-rel", t.max_rel);
    return out;
}

std::string array_line(const ArrayComparison& r, bool tolerance) {
    const char* label = r.verdict == ArrayVerdict::identical          ? "identical"
                        : r.verdict == ArrayVerdict::within_tolerance ? "within   "
                                                                      : "DIFFERS  ";
    std::string line = std::string(label) + "  " + r.name + "  " + std::string(dtype_name(r.dtype)) + " " +
                       shape_text(r.shape);
    const DiffStats& d = r.diff;
    if (d.shape_mismatch)
        return line + ": dtype or shape differ: " + std::string(dtype_name(r.dtype)) + " " + shape_text(r.shape) +
               " vs " + std::string(dtype_name(r.other_dtype)) + " " + shape_text(r.other_shape);
    if (d.identical) return line;
    line += ": " + describe_diff(d);
    if (d.first_difference) {
        const FirstDifference& f = *d.first_difference;
        line += "; first at ";
        if (r.shape.size() > 1) line += multi_index_text(f.index, r.shape) + " (flat " + std::to_string(f.index) + ")";
        else line += "[" + std::to_string(f.index) + "]";
        line += ": " + f.reference.decimal + " (" + f.reference.hex_bits + ") vs " + f.other.decimal + " (" +
                f.other.hex_bits + ")";
    }
    // The judge's reason, when a tolerance was given: which bound broke, or that all held.
    if (tolerance) line += "; " + r.reason;
    return line;
}

Json shape_json(const std::vector<std::size_t>& shape) {
    Json j = Json::array();
    for (std::size_t d : shape) j.push_back(d);
    return j;
}

} // namespace

std::string render_compare_console(const ArrayFilesComparison& c, CompareOutput output) {
    std::string text;
    const bool failures_only = output == CompareOutput::failures;
    for (const auto& r : c.arrays)
        if (!failures_only || r.verdict == ArrayVerdict::differs) text += array_line(r, c.tolerance.any()) + "\n";
    for (const auto& name : c.only_in_a) text += "ONLY IN A  " + name + ": missing in " + c.b + "\n";
    for (const auto& name : c.only_in_b) text += "ONLY IN B  " + name + ": missing in " + c.a + "\n";
    const std::size_t n = c.arrays.size();
    text += std::to_string(n) + " array" + (n == 1 ? "" : "s") + " compared: " +
            std::to_string(c.count(ArrayVerdict::identical)) + " identical, " +
            std::to_string(c.count(ArrayVerdict::within_tolerance)) + " within tolerance, " +
            std::to_string(c.count(ArrayVerdict::differs)) + " beyond tolerance; " +
            std::to_string(c.only_in_a.size()) + " only in A, " + std::to_string(c.only_in_b.size()) +
            " only in B; tolerance: " + tolerance_text(c.tolerance) + "; " + (c.passed() ? "PASS" : "FAIL") + "\n";
    return text;
}

std::string render_compare_json(const ArrayFilesComparison& c) {
    Json doc;
    doc["detaudit_compare"] = 1; // this document's format version
    doc["tool"] = {{"name", "detaudit"}, {"version", DETAUDIT_VERSION}};
    doc["a"] = c.a;
    doc["b"] = c.b;
    if (c.tolerance.any()) {
        Json tol = Json::object();
        if (c.tolerance.max_ulp) tol["max_ulp"] = bound_json(*c.tolerance.max_ulp);
        if (c.tolerance.max_abs) tol["max_abs"] = bound_json(*c.tolerance.max_abs);
        if (c.tolerance.max_rel) tol["max_rel"] = bound_json(*c.tolerance.max_rel);
        doc["tolerance"] = tol;
    } else {
        doc["tolerance"] = "identical";
    }
    doc["passed"] = c.passed();
    doc["exit_code"] = c.passed() ? exit_code::k_ok : exit_code::k_expectation_failed;
    doc["summary"] = {{"arrays", c.arrays.size()},
                      {"identical", c.count(ArrayVerdict::identical)},
                      {"within_tolerance", c.count(ArrayVerdict::within_tolerance)},
                      {"differing", c.count(ArrayVerdict::differs)},
                      {"only_in_a", c.only_in_a.size()},
                      {"only_in_b", c.only_in_b.size()}};
    Json arrays = Json::array();
    for (const auto& r : c.arrays) {
        Json j;
        j["name"] = r.name;
        j["verdict"] = verdict_name(r.verdict);
        j["reason"] = r.reason;
        j["dtype"] = dtype_name(r.dtype);
        j["shape"] = shape_json(r.shape);
        if (r.diff.shape_mismatch) {
            j["other_dtype"] = dtype_name(r.other_dtype);
            j["other_shape"] = shape_json(r.other_shape);
        }
        j["diff"] = diff_to_json(r.diff);
        arrays.push_back(std::move(j));
    }
    doc["arrays"] = std::move(arrays);
    doc["only_in_a"] = c.only_in_a;
    doc["only_in_b"] = c.only_in_b;
    // Names come from files and archives: replace invalid UTF-8 rather than fail.
    return doc.dump(2, ' ', false, Json::error_handler_t::replace) + "\n";
}

} // namespace detaudit
