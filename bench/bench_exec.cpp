// The `exec` op's overhead per run: what detaudit adds (fresh {out} directory, capture pipes
// and files, process group, collecting and reading the outputs, cleaning up) beyond the
// program's own time, for a program that does nothing (`true`). The anchor is a bare
// posix_spawn + waitpid of the same program, measured in the same process.
#include <cstdio>
#include <filesystem>
#include <spawn.h>
#include <sys/wait.h>

#include "audit/runner.hpp"
#include "backends/host_backend.hpp"
#include "bench_harness.hpp"
#include "scenario/scenario_parser.hpp"

extern char** environ;

namespace {

using namespace detaudit::bench;
namespace fs = std::filesystem;

constexpr int k_runs_per_round = 50;
constexpr double k_target_overhead_ms = 5.0;

void bare_spawn(const char* program) {
    char* argv[] = {const_cast<char*>(program), nullptr};
    pid_t pid;
    if (posix_spawnp(&pid, program, nullptr, nullptr, argv, environ) != 0) {
        std::perror("posix_spawnp");
        std::exit(1);
    }
    int status;
    waitpid(pid, &status, 0);
}

} // namespace

int main(int argc, char** argv) {
    Options o = parse_options(argc, argv, "exec op overhead per run against a bare posix_spawn of `true`");
    print_header("exec: overhead per run of a program that does nothing", o);
    std::printf("%d runs per timed round\n", k_runs_per_round);

    char pattern[] = "/tmp/detaudit-bench-exec-XXXXXX";
    if (!mkdtemp(pattern)) {
        std::perror("mkdtemp");
        return 1;
    }
    const fs::path root = pattern;
    const std::string text = R"({"detaudit": 1, "runs": )" + std::to_string(k_runs_per_round) +
                             R"(, "operations": [{"id": "noop", "op": "exec", "command": ["true"], "outputs": ["a.txt"]},
                                 {"id": "one-file", "op": "exec", "command": ["sh", "-c", ": > \"$1/a.txt\"", "sh", "{out}"],
                                  "outputs": ["a.txt"]}]})";
    const detaudit::Scenario scenario = detaudit::parse_scenario_text(text, (root / "bench.json").string());
    const detaudit::OpSpec& noop = scenario.operations.at(0);
    const detaudit::Variant base = detaudit::make_plan(scenario, {}).variants.front();

    detaudit::HostBackend host;
    Suite suite(o.repeats);
    const auto anchor = suite.add("bare posix_spawn(true)", [] {
        for (int r = 0; r < k_runs_per_round; ++r) bare_spawn("true");
    });
    const auto backend_run = suite.add("host backend run of true", [&] {
        for (int r = 1; r <= k_runs_per_round; ++r) {
            detaudit::RunContext context;
            context.run = r;
            context.run_dir = (root / "runs" / ("run-" + std::to_string(r))).string();
            do_not_optimize(host.run_named(noop, base, context).missing.size());
        }
    });
    // The whole audit of an op whose program writes one file: runner, digests, comparisons.
    const auto sh_anchor = suite.add("bare posix_spawn(sh -c :)", [] {
        for (int r = 0; r < k_runs_per_round; ++r) {
            char* args[] = {const_cast<char*>("sh"), const_cast<char*>("-c"), const_cast<char*>(":"), nullptr};
            pid_t pid;
            posix_spawnp(&pid, "sh", nullptr, nullptr, args, environ);
            int status;
            waitpid(pid, &status, 0);
        }
    });
    detaudit::Scenario one_file = scenario;
    one_file.operations.erase(one_file.operations.begin());
    const auto audit = suite.add("detaudit run of sh writing one file", [&] {
        detaudit::RunOptions options;
        options.dump_dir = (root / "audit").string();
        std::vector<std::unique_ptr<detaudit::Backend>> backends;
        backends.push_back(std::make_unique<detaudit::HostBackend>());
        const auto report = detaudit::run_audit(one_file, options, backends);
        do_not_optimize(report.summary.exit_code);
        fs::remove_all(root / "audit");
    });
    suite.run();

    Scoreboard board;
    auto per_run_ms = [&](std::size_t id) { return suite.timing(id).min_s * 1e3 / k_runs_per_round; };
    char measured[160];
    std::snprintf(measured, sizeof measured, "%.3f ms/run (anchor %.3f ms/run)", per_run_ms(backend_run),
                  per_run_ms(anchor));
    const double overhead = per_run_ms(backend_run) - per_run_ms(anchor);
    std::printf("overhead of the host backend per run of true: %.3f ms\n", overhead);
    board.line("exec true, host backend", measured, "overhead_ms", overhead,
               Target{Target::Kind::at_most, k_target_overhead_ms});
    std::snprintf(measured, sizeof measured, "%.3f ms/run (anchor %.3f ms/run)", per_run_ms(audit), per_run_ms(sh_anchor));
    board.line("exec sh writing one file, whole audit", measured, "overhead_ms", per_run_ms(audit) - per_run_ms(sh_anchor),
               Target{Target::Kind::at_most, k_target_overhead_ms});
    board.line("exec true, host backend", "time ratio", "vs_bare_spawn", per_run_ms(backend_run) / per_run_ms(anchor));
    fs::remove_all(root);
    return board.finish("bench_exec");
}
