// Which settings make runs differ more often (host.load): Fisher's one-sided exact test against
// values computed exactly with Python's math.comb, and attribution's summary built on it.
#include <catch2/catch.hpp>
#include "audit/attribution.hpp"
#include "scenario/axes.hpp"

using namespace detaudit;

TEST_CASE("more-often p-values: the one-sided hypergeometric tail") {
    // sum(comb(K,x)*comb(N-K,b-x) for x >= a) / comb(N,b), with K = a+c, N = b+d.
    CHECK(more_often_p_value(12, 31, 1, 31) == Approx(0.0005513762974673421).epsilon(1e-9));
    CHECK(more_often_p_value(5, 5, 0, 5) == Approx(0.003968253968253968).epsilon(1e-9));
    CHECK(more_often_p_value(3, 3, 0, 3) == Approx(0.05).epsilon(1e-9));
    CHECK(more_often_p_value(6, 7, 5, 7) == Approx(0.5).epsilon(1e-9));
    CHECK(more_often_p_value(0, 7, 5, 7) == Approx(1.0));   // fewer: nothing to explain
    CHECK(more_often_p_value(0, 7, 0, 7) == Approx(1.0));   // neither differed
}

namespace {

Cell cell_with(const std::string& variant, std::size_t differing, std::size_t compared) {
    Cell c;
    c.backend = "cpu";
    c.variant = variant;
    c.runs = compared + 1;
    c.distinct_outputs = differing ? 2 : 1;
    c.digests.assign(c.runs, "0");
    c.run_to_run.compared_runs = compared;
    c.run_to_run.differing_runs = differing;
    return c;
}

OperationReport op_under_load(std::size_t base_differing, std::size_t loaded_differing, std::size_t compared) {
    OperationReport op;
    op.id = "sum";
    op.cells = {cell_with("base", base_differing, compared), cell_with("host.load=cpu", loaded_differing, compared)};
    CellComparison cmp;
    cmp.axis = k_axis_across_variants;
    cmp.backend = "cpu";
    cmp.variant = "host.load=cpu";
    cmp.changed_axes = {"host.load"};
    cmp.diff.identical = true; // run 1 under load equals run 1 without: only the later runs tell
    op.across_variants.push_back(cmp);
    return op;
}

const std::vector<Variant> k_variants = make_variants({{"host.load", {"none", "cpu"}}}, false);

} // namespace

TEST_CASE("attribution: runs that differ more often under load, with the share per variant") {
    OperationReport op = op_under_load(1, 12, 31);
    attribute(op, k_variants);
    REQUIRE(op.attribution.size() == 1);
    const Attribution& a = op.attribution.front();
    REQUIRE(a.axes.size() == 1);
    const AxisEffect& load = a.axes.front();
    CHECK(load.axis == "host.load");
    CHECK_FALSE(load.changes_results);
    CHECK(load.more_run_to_run);
    REQUIRE(load.changes.size() == 1);
    CHECK(load.changes.front().base_differing_runs == 1);
    CHECK(load.changes.front().differing_runs == 12);
    CHECK(a.summary.find("runs differ more often with host.load (none→cpu: 1/31 → 12/31 runs differ)") != std::string::npos);
}

TEST_CASE("attribution: a larger share by chance is not called more often") {
    OperationReport op = op_under_load(5, 6, 7);
    attribute(op, k_variants);
    REQUIRE(op.attribution.size() == 1);
    CHECK_FALSE(op.attribution.front().axes.front().more_run_to_run);
    CHECK(op.attribution.front().summary.find("more often") == std::string::npos);
}
