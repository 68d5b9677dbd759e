// runs "auto": N = ceil(ln(1 - c) / ln(1 - p)) + 1 against hand-computed values and against the
// bound it promises; the refusals of bad confidences, probabilities and uncapped huge N.
#include <catch2/catch.hpp>
#include <cmath>
#include "audit/run_count.hpp"
#include "common/error.hpp"

using namespace detaudit;

TEST_CASE("runs for a bound: known values of ceil(ln(1-c)/ln(1-p)) + 1") {
    // ln(0.01)/ln(0.99) = 458.21 -> 459 trials + the reference run.
    CHECK(runs_for_bound(0.99, 0.01) == 460);
    // ln(0.05)/ln(0.95) = 58.40 -> 59 + 1 (the "rule of three": about 3/p trials at 95 %).
    CHECK(runs_for_bound(0.95, 0.05) == 60);
    // ln(0.25)/ln(0.5) = 2 exactly: two clean trials bound p at 0.5 with 75 % confidence.
    CHECK(runs_for_bound(0.75, 0.5) == 3);
    // ln(0.5)/ln(0.5) = 1: one trial.
    CHECK(runs_for_bound(0.5, 0.5) == 2);
    // ln(0.001)/ln(0.999999) = 6907751.9 -> 6907752 + 1.
    CHECK(runs_for_bound(0.999, 1e-6) == 6907753);
}

TEST_CASE("N clean runs reach the bound and N - 1 do not") {
    for (double c : {0.5, 0.9, 0.95, 0.99, 0.999})
        for (double p : {0.3, 0.1, 0.05, 0.01, 0.001}) {
            const uint64_t n = runs_for_bound(c, p);
            INFO("c=" << c << " p=" << p << " N=" << n);
            CHECK(difference_bound(n, c) <= p);
            CHECK(difference_bound(n - 1, c) > p);
            // Independently: (1 - p)^(N - 1) <= 1 - c, the probability of N - 1 clean trials.
            CHECK(std::pow(1 - p, static_cast<double>(n - 1)) <= (1 - c) * (1 + 1e-12));
        }
}

TEST_CASE("the bound after clean runs") {
    CHECK(difference_bound(0, 0.99) == 1.0);
    CHECK(difference_bound(1, 0.99) == 1.0);
    CHECK(difference_bound(2, 0.99) == Approx(0.99)); // one trial: 1 - 0.01
    CHECK(difference_bound(3, 0.75) == Approx(0.5));  // two trials: 1 - sqrt(0.25)
    CHECK(difference_bound(8, 0.95) == Approx(1 - std::pow(0.05, 1.0 / 7))); // the report's p_diff_95
}

TEST_CASE("worst case: N or the cap, whichever is smaller") {
    CHECK(auto_runs_worst_case({0.99, 0.01, std::nullopt}) == 460);
    CHECK(auto_runs_worst_case({0.99, 0.01, 32}) == 32);
    CHECK(auto_runs_worst_case({0.99, 0.01, 1000}) == 460);
}

TEST_CASE("bad auto settings are refused with the flag named") {
    const auto message = [](const AutoRuns& a) {
        try {
            check_auto_runs(a);
        } catch (const Error& e) {
            CHECK(e.kind() == ErrorKind::usage);
            return std::string(e.what());
        }
        return std::string("accepted");
    };
    CHECK(message({0.99, 0.01, std::nullopt}) == "accepted");
    CHECK(message({0, 0.01, std::nullopt}).rfind("--confidence:", 0) == 0);
    CHECK(message({1, 0.01, std::nullopt}).rfind("--confidence:", 0) == 0);
    CHECK(message({NAN, 0.01, std::nullopt}).rfind("--confidence:", 0) == 0);
    CHECK(message({0.99, 0, std::nullopt}).rfind("--max-p:", 0) == 0);
    CHECK(message({0.99, 1.5, std::nullopt}).rfind("--max-p:", 0) == 0);
    CHECK(message({0.99, 0.01, 1}).rfind("--max-runs:", 0) == 0);
    CHECK(message({0.99, 0.01, 1000001}).rfind("--max-runs:", 0) == 0);
    // 4605169 runs without a cap: refused; with one: accepted.
    CHECK(message({0.99, 1e-6, std::nullopt}).find("needs 4605169 runs per cell, more than 10^6: give --max-runs") !=
          std::string::npos);
    CHECK(message({0.99, 1e-6, 1000}) == "accepted");
    CHECK(message({0.99, 1e-300, std::nullopt}).find("more than 10^19") != std::string::npos);
}
