#include "run_count.hpp"
#include <cmath>
#include <cstdio>
#include <limits>
#include "common/error.hpp"
#include "scenario/scenario.hpp"

namespace detaudit {

uint64_t runs_for_bound(double confidence, double max_p) {
    // log1p keeps the digits of 1 - c and 1 - p when c or p is tiny.
    const double trials = std::ceil(std::log1p(-confidence) / std::log1p(-max_p));
    if (!(trials < 1e18)) return std::numeric_limits<uint64_t>::max();
    uint64_t runs = static_cast<uint64_t>(trials) + 1;
    // Where the quotient is a whole number in exact arithmetic, rounding may land one either side:
    // N is the fewest runs whose reported bound (difference_bound) is at most p.
    while (runs > 2 && difference_bound(runs - 1, confidence) <= max_p) --runs;
    while (difference_bound(runs, confidence) > max_p) ++runs;
    return runs;
}

double difference_bound(std::size_t runs, double confidence) {
    if (runs < 2) return 1.0;
    return -std::expm1(std::log1p(-confidence) / static_cast<double>(runs - 1));
}

namespace {

std::string number_text(double v) {
    char text[32];
    std::snprintf(text, sizeof text, "%.9g", v);
    return text;
}

} // namespace

void check_auto_settings(const AutoRuns& a) {
    if (!(a.confidence > 0 && a.confidence < 1))
        throw Error(ErrorKind::usage, "--confidence: expected a probability strictly between 0 and 1, got " + number_text(a.confidence));
    if (!(a.max_p > 0 && a.max_p < 1))
        throw Error(ErrorKind::usage, "--max-p: expected a probability strictly between 0 and 1, got " + number_text(a.max_p));
    if (a.max_runs && (*a.max_runs < 2 || *a.max_runs > k_max_auto_runs))
        throw Error(ErrorKind::usage, "--max-runs: expected 2 to 1000000 runs (one run compares nothing), got " +
                                          std::to_string(*a.max_runs));
}

void check_auto_runs(const AutoRuns& a) {
    check_auto_settings(a);
    const uint64_t needed = runs_for_bound(a.confidence, a.max_p);
    if (!a.max_runs && needed > k_max_auto_runs)
        throw Error(ErrorKind::usage, "--max-p: runs \"auto\" at --confidence " + number_text(a.confidence) + " and --max-p " +
                                          number_text(a.max_p) + " needs " +
                                          (needed == std::numeric_limits<uint64_t>::max() ? std::string("more than 10^19")
                                                                                           : std::to_string(needed)) +
                                          " runs per cell, more than 10^6: give --max-runs or a larger --max-p");
}

uint64_t auto_runs_worst_case(const AutoRuns& a) {
    const uint64_t needed = runs_for_bound(a.confidence, a.max_p);
    return a.max_runs && *a.max_runs < needed ? *a.max_runs : needed;
}

nlohmann::json runs_json(int runs) {
    if (runs == k_runs_auto) return "auto";
    return runs;
}

nlohmann::json auto_runs_json(const AutoRuns& a) {
    return {{"confidence", a.confidence},
            {"max_p", a.max_p},
            {"max_runs", a.max_runs ? nlohmann::json(*a.max_runs) : nlohmann::json(nullptr)},
            {"most_runs", auto_runs_worst_case(a)}};
}


} // namespace detaudit
