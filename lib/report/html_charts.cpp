#include "report/html_charts.hpp"

#include "report/markup_text.hpp"
#include <algorithm>
#include <cmath>
#include <fmt/format.h>
#include <map>
#include <vector>

namespace detaudit {
namespace {

constexpr int k_palette = 6; // CSS classes o0..o5; further outputs reuse o5

std::string plural_runs(std::size_t n) {
    return fmt::format("{} run{}", n, n == 1 ? "" : "s");
}

} // namespace

std::string run_timeline_svg(const Cell& cell) {
    const std::size_t runs = cell.digests.size();
    if (runs == 0) return "";
    std::map<std::string, int> output_of; // digest -> index in order of first appearance
    std::vector<std::string> paths(k_palette);
    const int size = runs <= 40 ? 10 : runs <= 200 ? 4 : 2;
    const int step = size + (size > 2 ? 2 : 0);
    for (std::size_t i = 0; i < runs; ++i) {
        const auto [it, added] =
            output_of.emplace(cell.digests[i], static_cast<int>(output_of.size()));
        const int colour = std::min(it->second, k_palette - 1);
        paths[colour] += fmt::format("M{} 0h{}v10h-{}z", static_cast<int>(i) * step, size, size);
    }
    const int width = static_cast<int>(runs) * step;
    std::string svg = fmt::format(
        R"(<svg class="tl" width="{}" height="10" viewBox="0 0 {} 10" role="img"><title>{}: {} distinct output{}</title>)",
        width, width, plural_runs(runs), output_of.size(), output_of.size() == 1 ? "" : "s");
    for (int c = 0; c < k_palette; ++c)
        if (!paths[c].empty()) svg += fmt::format(R"(<path class="o{}" d="{}"/>)", c, paths[c]);
    return svg + "</svg>";
}

std::string ulp_histogram_svg(const DiffStats& diff) {
    if (diff.identical || diff.raw_bytes || diff.shape_mismatch) return "";
    const uint64_t top = *std::max_element(diff.ulp_histogram.begin(), diff.ulp_histogram.end());
    if (top == 0) return "";
    constexpr int bar = 14, gap = 3, height = 30;
    const double scale = std::log10(1.0 + static_cast<double>(top));
    std::string zero, rest, title;
    const auto& labels = ulp_bucket_labels();
    for (std::size_t i = 0; i < k_ulp_buckets; ++i) {
        const uint64_t n = diff.ulp_histogram[i];
        title += fmt::format("{}{} ULP: {}", i ? ", " : "", labels[i], n);
        if (n == 0) continue;
        const int h = std::max(1, static_cast<int>(std::lround(
                                      height * std::log10(1.0 + static_cast<double>(n)) / scale)));
        (i == 0 ? zero : rest) += fmt::format(
            "M{} {}h{}v{}h-{}z", static_cast<int>(i) * (bar + gap), height - h, bar, h, bar);
    }
    const int width = static_cast<int>(k_ulp_buckets) * (bar + gap) - gap;
    std::string svg = fmt::format(
        R"(<svg class="hist" width="{}" height="{}" viewBox="0 0 {} {}" role="img"><title>{}</title>)",
        width, height + 1, width, height + 1, escape_html(title));
    svg += fmt::format(R"(<path class="axis" d="M0 {}.5h{}"/>)", height, width);
    if (!zero.empty()) svg += R"(<path class="o0" d=")" + zero + "\"/>";
    if (!rest.empty()) svg += R"(<path class="bad" d=")" + rest + "\"/>";
    return svg + "</svg>";
}

std::string cost_bars_svg(const FamilyCost& family) {
    constexpr int label_w = 150, bar_max = 360, row = 22;
    double top = 1;
    for (const auto& a : family.algorithms)
        top = std::max(top, a.relative);
    const int height = static_cast<int>(family.algorithms.size()) * row;
    std::string svg =
        fmt::format(R"(<svg class="cost" width="{}" height="{}" viewBox="0 0 {} {}" role="img">)",
                    label_w + bar_max + 140, height, label_w + bar_max + 140, height);
    for (std::size_t i = 0; i < family.algorithms.size(); ++i) {
        const auto& a = family.algorithms[i];
        const int y = static_cast<int>(i) * row;
        const int w = std::max(2, static_cast<int>(std::lround(bar_max * a.relative / top)));
        const bool reproducible = !a.design_class.empty() && a.design_class != "not_guaranteed";
        svg += fmt::format(R"(<text x="{}" y="{}" text-anchor="end">{}</text>)", label_w - 8,
                           y + 15, escape_html(a.algorithm));
        svg += fmt::format(
            R"(<rect class="{}" x="{}" y="{}" width="{}" height="{}" rx="2"><title>{}</title></rect>)",
            reproducible ? "o0" : "o1", label_w, y + 3, w, row - 8, escape_html(a.design_class));
        svg += fmt::format(R"(<text x="{}" y="{}">{:.2f}× · {}</text>)", label_w + w + 6, y + 15,
                           a.relative, escape_html(seconds_text(a.median_s)));
    }
    return svg + "</svg>";
}

} // namespace detaudit
