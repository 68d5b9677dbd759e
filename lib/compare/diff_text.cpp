#include "diff_text.hpp"
#include <cmath>
#include <cstdio>
#include <cstdlib>

namespace detaudit {

std::string count_text(std::size_t n, const char* one, const char* many) {
    return std::to_string(n) + " " + (n == 1 ? one : many);
}

std::string magnitude_text(double v) {
    if (std::isnan(v)) return "nan";
    if (std::isinf(v)) return v > 0 ? "inf" : "-inf";
    char text[40];
    // Rounding 0.9999996 to "1" would read as "completely different" for max_rel: when the
    // rounded text crosses a power of ten the value does not reach, add digits until it does not.
    const double decade = v == 0 ? 0 : std::floor(std::log10(std::fabs(v)));
    for (int digits = 6; digits <= 17; ++digits) {
        std::snprintf(text, sizeof text, "%.*g", digits, v);
        const double shown = std::strtod(text, nullptr);
        if (v == 0 || shown == v || std::floor(std::log10(std::fabs(shown))) == decade) break;
    }
    return text;
}

std::string differing_text(const DiffStats& d) {
    return std::to_string(d.differing_elements) + " of " +
           count_text(d.elements, d.raw_bytes ? "byte" : "element", d.raw_bytes ? "bytes" : "elements") +
           (d.differing_elements == 1 ? " differs" : " differ");
}

bool has_ulp(const DiffStats& d) { return !d.raw_bytes && (is_float(d.dtype) || is_complex(d.dtype)); }

std::string describe_diff(const DiffStats& d) {
    if (d.shape_mismatch) return "outputs differ in dtype or shape (" + d.mismatch_detail + ")";
    if (d.identical) return "identical";
    std::string text = differing_text(d);
    if (d.raw_bytes)
        return text + (d.first_difference ? ", first at offset " + std::to_string(d.first_difference->index) : "");
    if (has_ulp(d)) text += ", max " + std::to_string(d.max_ulp) + " ULP";
    text += ", max abs " + magnitude_text(d.max_abs) + ", max rel " + magnitude_text(d.max_rel);
    if (d.nan_mismatches) text += ", " + count_text(d.nan_mismatches, "NaN mismatch", "NaN mismatches");
    return text;
}

} // namespace detaudit
