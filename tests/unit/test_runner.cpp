// The runner driven by fake backends: run-to-run stats, variant attribution, expectations,
// skips, errors, interruption and exit codes — without any real kernel.
#include <catch2/catch.hpp>
#include <cstring>
#include "audit/runner.hpp"
#include "common/error.hpp"
#include "scenario/scenario_parser.hpp"

using namespace detaudit;

namespace {

struct FakeBehaviour {
    std::string name = "cpu";
    bool available = true;
    std::string unavailable_reason = "no such device";
    std::vector<int> flip_on_runs;      // 1-based runs whose output has its lowest bit flipped
    bool depends_on_threads = false;    // output changes with cpu.threads
    int throw_on_run = 0;
    const std::atomic<bool>* interrupt_after_first = nullptr;
};

class FakeBackend final : public Backend {
public:
    explicit FakeBackend(FakeBehaviour b, std::atomic<bool>* interrupt = nullptr) : m_b(std::move(b)), m_interrupt(interrupt) {}
    std::string name() const override { return m_b.name; }
    BackendProbe probe() override { return {m_b.available, m_b.available ? "" : m_b.unavailable_reason, "fake", {}}; }
    bool supports(const OpSpec&) const override { return true; }
    void prepare(const OpSpec&, const OpInputs&) override { m_run = 0; }
    double run(const OpSpec&, const Variant& variant, Buffer& out) override {
        ++m_run;
        if (m_b.throw_on_run == m_run) throw Error(ErrorKind::runtime, "fake failure on run " + std::to_string(m_run));
        float value = 1.0f;
        if (m_b.depends_on_threads) value += 0x1p-20f * variant.settings.value("cpu.threads", 1);
        uint32_t bits;
        std::memcpy(&bits, &value, 4);
        const int run_in_cell = (m_run - 1) % m_runs_per_cell + 1;
        for (int r : m_b.flip_on_runs)
            if (r == run_in_cell) bits ^= 1u;
        std::memcpy(out.data(), &bits, 4);
        if (m_interrupt && m_run == 1) m_interrupt->store(true);
        return 1e-6;
    }
    int m_runs_per_cell = 1000000;

private:
    FakeBehaviour m_b;
    std::atomic<bool>* m_interrupt;
    int m_run = 0;
};

Scenario scenario(const std::string& extra_op_json, const std::string& top = "") {
    return parse_scenario_text(R"({"detaudit": 1, "runs": 4, )" + top + R"( "operations": [
        {"id": "op", "op": "reduce", "algorithm": "blocked", "n": 8)" + extra_op_json + "}]}", "fake.json");
}

AuditReport run_with(const Scenario& s, std::vector<FakeBehaviour> behaviours, RunOptions options = {},
                     std::atomic<bool>* interrupt = nullptr, int runs_per_cell = 4) {
    std::vector<std::unique_ptr<Backend>> backends;
    for (auto& b : behaviours) {
        auto fake = std::make_unique<FakeBackend>(b, interrupt);
        fake->m_runs_per_cell = runs_per_cell;
        backends.push_back(std::move(fake));
    }
    return run_audit(s, options, backends);
}

const ExpectationResult& expectation(const OperationReport& op, const std::string& axis, const std::string& backend) {
    for (const auto& e : op.expectations)
        if (e.axis == axis && e.backend == backend) return e;
    FAIL("no expectation " << axis << " on " << backend);
    throw 0;
}

} // namespace

TEST_CASE("a deterministic backend: identical runs, expectations held, exit 0, p_diff_95") {
    const AuditReport r = run_with(scenario(""), {FakeBehaviour{}});
    const Cell& c = r.operations.at(0).cells.at(0);
    CHECK(c.status == CellStatus::ok);
    CHECK(c.runs == 4);
    CHECK(c.distinct_outputs == 1);
    CHECK(c.digests.size() == 4);
    CHECK(c.run_to_run.differing_runs == 0);
    REQUIRE(c.p_diff_95);
    CHECK(*c.p_diff_95 == Approx(1 - std::pow(0.05, 1.0 / 3)));
    CHECK(c.reference_values.at(0).hex_bits == "0x3f800000");
    CHECK(r.operations[0].measured_class.at("cpu") == "variant_invariant");
    CHECK(r.summary.exit_code == 0);
}

TEST_CASE("a bit flipped on run 3: one differing run of 1 ULP, run_to_run fails, exit 1") {
    FakeBehaviour b;
    b.flip_on_runs = {3};
    const AuditReport r = run_with(scenario(""), {b});
    const OperationReport& op = r.operations.at(0);
    const Cell& c = op.cells.at(0);
    CHECK(c.distinct_outputs == 2);
    CHECK(c.run_to_run.compared_runs == 3);
    CHECK(c.run_to_run.differing_runs == 1);
    CHECK(c.run_to_run.first_differing_run == std::optional<std::size_t>(3));
    CHECK(c.run_to_run.diff.max_ulp == 1);
    CHECK_FALSE(c.p_diff_95);
    CHECK(op.measured_class.at("cpu") == "nondeterministic");
    CHECK_FALSE(op.design_contradictions.empty()); // blocked is designed variant_invariant
    const ExpectationResult& e = expectation(op, "run_to_run", "cpu");
    CHECK_FALSE(e.held);
    CHECK(e.detail.find("1/3 runs differ") != std::string::npos);
    CHECK(r.summary.exit_code == 1);
}

TEST_CASE("run_to_run expectations: differs, any and tolerances") {
    FakeBehaviour b;
    b.flip_on_runs = {2};
    CHECK(run_with(scenario(R"(, "expect": {"run_to_run": "any"})"), {b}).summary.exit_code == 0);
    CHECK(run_with(scenario(R"(, "expect": {"run_to_run": "differs"})"), {b}).summary.exit_code == 0);
    CHECK(run_with(scenario(R"(, "expect": {"run_to_run": "differs"})"), {FakeBehaviour{}}).summary.exit_code == 1);
    CHECK(run_with(scenario(R"(, "expect": {"run_to_run": {"max_ulp": 1}})"), {b}).summary.exit_code == 0);
    CHECK(run_with(scenario(R"(, "expect": {"run_to_run": {"max_ulp": 0}})"), {b}).summary.exit_code == 1);
}

TEST_CASE("a backend whose output depends on cpu.threads: across_variants names the axis") {
    FakeBehaviour b;
    b.depends_on_threads = true;
    const Scenario s = scenario(R"(, "expect": {"across_variants": "identical"})",
                                R"("vary": {"cpu.threads": [2, 1], "cpu.schedule": ["static", "dynamic"]},)");
    const AuditReport r = run_with(s, {b});
    const OperationReport& op = r.operations.at(0);
    REQUIRE(op.across_variants.size() == 2);
    const CellComparison* threads = nullptr;
    for (const auto& cmp : op.across_variants) {
        if (cmp.variant == "cpu.threads=1") threads = &cmp;
        else CHECK(cmp.diff.identical); // the schedule does not matter
    }
    REQUIRE(threads);
    CHECK_FALSE(threads->diff.identical);
    CHECK(threads->changed_axes == std::vector<std::string>{"cpu.threads"});
    CHECK(op.measured_class.at("cpu") == "run_to_run");
    CHECK_FALSE(expectation(op, "across_variants", "cpu").held);
    CHECK(r.summary.exit_code == 1);
}

TEST_CASE("cross_backend: two fake backends compared per variant") {
    FakeBehaviour cpu, other;
    other.name = "cuda";
    other.depends_on_threads = true; // never sees cpu.threads: value 1 + 2^-20
    const Scenario s = scenario(R"(, "backends": ["cpu", "cuda"], "expect": {"cross_backend": "identical"})");
    const AuditReport r = run_with(s, {cpu, other});
    const OperationReport& op = r.operations.at(0);
    REQUIRE(op.cross_backend.size() == 1);
    CHECK_FALSE(op.cross_backend[0].diff.identical);
    CHECK_FALSE(expectation(op, "cross_backend", "cpu~cuda").held);
}

TEST_CASE("an unavailable backend: skipped cells with the reason; --require makes it exit 3") {
    FakeBehaviour cpu, gpu;
    gpu.name = "cuda";
    gpu.available = false;
    gpu.unavailable_reason = "CUDA driver version is insufficient";
    const Scenario s = scenario(R"(, "backends": ["cpu", "cuda"])");
    AuditReport r = run_with(s, {cpu, gpu});
    const Cell& skipped = r.operations.at(0).cells.at(1);
    CHECK(skipped.backend == "cuda");
    CHECK(skipped.status == CellStatus::skipped);
    CHECK(skipped.reason == "unavailable: CUDA driver version is insufficient");
    CHECK(r.summary.cells_skipped == 1);
    CHECK(r.summary.exit_code == 0);
    RunOptions require;
    require.require = {"cuda"};
    CHECK(run_with(s, {cpu, gpu}, require).summary.exit_code == 3);
}

TEST_CASE("a failing run: the cell is an error with the message, other cells still run, exit 4") {
    FakeBehaviour b;
    b.throw_on_run = 2;
    const Scenario s = scenario("", R"("vary": {"cpu.threads": [2, 1]},)");
    const AuditReport r = run_with(s, {b}, {}, nullptr, 4);
    const auto& cells = r.operations.at(0).cells;
    REQUIRE(cells.size() == 2);
    CHECK(cells[0].status == CellStatus::error);
    CHECK(cells[0].reason == "fake failure on run 2");
    CHECK(cells[1].status == CellStatus::ok);
    CHECK(r.summary.exit_code == 4);
}

TEST_CASE("interruption: the report is complete, marked interrupted, exit 130") {
    std::atomic<bool> interrupt{false};
    RunOptions options;
    options.interrupt = &interrupt;
    const AuditReport r = run_with(scenario(""), {FakeBehaviour{}}, options, &interrupt);
    CHECK(r.interrupted);
    CHECK(r.operations.at(0).cells.at(0).runs == 1);
    CHECK(r.summary.exit_code == 130);
}

TEST_CASE("--runs overrides the scenario; --backend filters") {
    RunOptions options;
    options.plan.runs = 2;
    const AuditReport r = run_with(scenario(""), {FakeBehaviour{}}, options);
    CHECK(r.operations.at(0).cells.at(0).runs == 2);
}

TEST_CASE("attribution names the one axis a backend's output depends on") {
    FakeBehaviour b;
    b.depends_on_threads = true;
    const Scenario s = scenario("", R"("vary": {"cpu.threads": [2, 8], "cpu.schedule": ["static", "guided"]},)");
    const AuditReport r = run_with(s, {b});
    const OperationReport& op = r.operations.at(0);
    REQUIRE(op.attribution.size() == 1);
    const Attribution& a = op.attribution[0];
    CHECK_FALSE(a.run_to_run_nondeterministic);
    REQUIRE(a.axes.size() == 2);
    for (const auto& effect : a.axes) {
        if (effect.axis == "cpu.threads") {
            CHECK(effect.changes_results);
            REQUIRE(effect.changes.size() == 1);
            CHECK(effect.changes[0].from == "2");
            CHECK(effect.changes[0].to == "8");
            CHECK(effect.changes[0].differing_fraction == 1.0);
        } else {
            CHECK(effect.axis == "cpu.schedule");
            CHECK_FALSE(effect.changes_results);
        }
    }
    CHECK(a.summary.find("changes with cpu.threads (2→8") != std::string::npos);
    CHECK(a.summary.find("not with cpu.schedule") != std::string::npos);
}

TEST_CASE("attribution in product mode reports an interaction rather than blaming one axis") {
    // Output changes only when both threads=8 and schedule=guided: a fake keyed on both.
    class BothAxes final : public Backend {
    public:
        std::string name() const override { return "cpu"; }
        BackendProbe probe() override { return {true, "", "fake", {}}; }
        bool supports(const OpSpec&) const override { return true; }
        void prepare(const OpSpec&, const OpInputs&) override {}
        double run(const OpSpec&, const Variant& v, Buffer& out) override {
            const bool both = v.settings["cpu.threads"] == 8 && v.settings["cpu.schedule"] == "guided";
            *out.as<float>() = both ? 2.0f : 1.0f;
            return 0;
        }
    };
    const Scenario s = scenario("", R"("vary": {"cpu.threads": [2, 8], "cpu.schedule": ["static", "guided"]}, "vary_mode": "product",)");
    std::vector<std::unique_ptr<Backend>> backends;
    backends.push_back(std::make_unique<BothAxes>());
    const AuditReport r = run_audit(s, {}, backends);
    const Attribution& a = r.operations.at(0).attribution.at(0);
    CHECK(a.interactions == std::vector<std::string>{"cpu.schedule=guided,cpu.threads=8"});
    for (const auto& effect : a.axes) CHECK_FALSE(effect.changes_results);
    CHECK(a.summary.find("changes only when axes change together") != std::string::npos);
}
