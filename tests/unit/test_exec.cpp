// lib/exec: placeholders, the process runner (exit, signal, timeout of the whole group, capture
// limits, environment), output collection (globs, .npz members, bytes, links out of {out}), and
// the exec op's scenario model (host backend, env axes, per-output expectations).
#include <catch2/catch.hpp>
#include <chrono>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <thread>
#include "audit/cell_outputs.hpp"
#include "backends/host_backend.hpp"
#include "common/error.hpp"
#include "exec/output_files.hpp"
#include "exec/placeholders.hpp"
#include "exec/process.hpp"
#include "io/npy_writer.hpp"
#include "scenario/axes.hpp"
#include "scenario/scenario_parser.hpp"
#include "temp_files.hpp"

namespace fs = std::filesystem;
using namespace detaudit;

namespace {

using test::TempDir;
using test::read_text;
using test::write_text;

ProcessSpec shell(const std::string& script, const TempDir& dir) {
    ProcessSpec spec;
    spec.argv = {"sh", "-c", script};
    spec.stdout_path = (dir.path / "stdout.txt").string();
    spec.stderr_path = (dir.path / "stderr.txt").string();
    spec.timeout_s = 30;
    return spec;
}

bool process_alive(pid_t pid) {
    if (::kill(pid, 0) != 0) return false;
    std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
    std::string text((std::istreambuf_iterator<char>(stat)), {});
    const auto close = text.rfind(") ");
    return close == std::string::npos || text.substr(close + 2, 1) != "Z";
}

} // namespace

TEST_CASE("placeholders: {out}, {run} and {variant} are replaced, {{out}} is literal, other braces untouched") {
    const std::map<std::string, std::string> v = {{"out", "/tmp/o"}, {"run", "3"}, {"variant", "env.A=1"}};
    CHECK(expand_placeholders("{out}/w.npy", v) == "/tmp/o/w.npy");
    CHECK(expand_placeholders("--run={run} --v={variant}", v) == "--run=3 --v=env.A=1");
    CHECK(expand_placeholders("{{out}} {{run}}", v) == "{out} {run}");
    CHECK(expand_placeholders("print({'a': {'b': 1}}[k], f'{x}')", v) == "print({'a': {'b': 1}}[k], f'{x}')");
    CHECK(expand_placeholders("{out}{out}", v) == "/tmp/o/tmp/o");
    CHECK(expand_placeholders("{ou}t} {", v) == "{ou}t} {");
    CHECK(has_placeholder("a{run}b"));
    CHECK_FALSE(has_placeholder("a{{run}}b"));
    CHECK_FALSE(has_placeholder("{k}"));
}

TEST_CASE("run_process: exit status, stdout and stderr captured, environment set and unset") {
    TempDir dir;
    ::setenv("DETAUDIT_UNIT_INHERITED", "yes", 1);
    ::setenv("DETAUDIT_UNIT_REMOVED", "present", 1);
    ProcessSpec spec = shell("echo out; echo err >&2; echo \"$DETAUDIT_UNIT_INHERITED $DETAUDIT_UNIT_SET "
                             "${DETAUDIT_UNIT_REMOVED:-unset}\"; pwd; exit 7",
                             dir);
    spec.env["DETAUDIT_UNIT_SET"] = "set";
    spec.env["DETAUDIT_UNIT_REMOVED"] = std::nullopt;
    spec.cwd = dir.path.string();
    const ProcessResult r = run_process(spec);
    CHECK(r.end == ProcessResult::End::exited);
    CHECK(r.exit_status == 7);
    CHECK_FALSE(r.succeeded());
    CHECK(r.describe_end(30) == "exited with status 7");
    CHECK(read_text(dir.path / "stdout.txt") == "out\nyes set unset\n" + dir.path.string() + "\n");
    CHECK(read_text(dir.path / "stderr.txt") == "err\n");
    CHECK(r.stderr_tail == "err\n");
    CHECK(r.stdout_bytes == read_text(dir.path / "stdout.txt").size());
}

TEST_CASE("run_process: a program that cannot start says why") {
    TempDir dir;
    ProcessSpec spec = shell("", dir);
    spec.argv = {"detaudit-no-such-program"};
    ProcessResult r = run_process(spec);
    CHECK(r.end == ProcessResult::End::not_started);
    CHECK_THAT(r.start_error, Catch::StartsWith("no such program \"detaudit-no-such-program\" on PATH ("));
    write_text(dir.path / "plain.sh", "#!/bin/sh\n");
    spec.argv = {(dir.path / "plain.sh").string()};
    r = run_process(spec);
    CHECK(r.end == ProcessResult::End::not_started);
    CHECK_THAT(r.start_error, Catch::Contains("is not executable (permission denied)"));
}

TEST_CASE("run_process: killed by a signal") {
    TempDir dir;
    const ProcessResult r = run_process(shell("kill -TERM $$", dir));
    CHECK(r.end == ProcessResult::End::signalled);
    CHECK(r.signal == SIGTERM);
    CHECK_THAT(r.describe_end(1), Catch::StartsWith("killed by signal 15 ("));
}

TEST_CASE("run_process: a timeout kills the whole process group, background children included") {
    TempDir dir;
    const fs::path pid_file = dir.path / "child.pid";
    ProcessSpec spec = shell("sleep 60 & echo $! > " + pid_file.string() + "; sleep 60", dir);
    spec.timeout_s = 0.3;
    const auto start = std::chrono::steady_clock::now();
    const ProcessResult r = run_process(spec);
    const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    CHECK(r.end == ProcessResult::End::timed_out);
    CHECK(r.describe_end(0.3) == "timed out after 0.3 s (timeout_s): its process group was killed");
    CHECK(elapsed < 10);
    const pid_t child = std::stoi(read_text(pid_file));
    bool alive = true;
    for (int i = 0; i < 100 && alive; ++i) {
        alive = process_alive(child);
        if (alive) std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    CHECK_FALSE(alive);
}

TEST_CASE("run_process: an interrupt stops the program") {
    TempDir dir;
    std::atomic<bool> interrupt{false};
    ProcessSpec spec = shell("sleep 60", dir);
    spec.interrupt = &interrupt;
    std::thread later([&] {
        std::this_thread::sleep_for(std::chrono::milliseconds(200));
        interrupt = true;
    });
    const ProcessResult r = run_process(spec);
    later.join();
    CHECK(r.end == ProcessResult::End::interrupted);
}

TEST_CASE("run_process: output beyond the capture limit is counted, not written, and the file says so") {
    TempDir dir;
    ProcessSpec spec = shell("head -c 300000 /dev/zero | tr '\\0' x", dir);
    spec.capture_limit_bytes = 100000;
    const ProcessResult r = run_process(spec);
    CHECK(r.succeeded());
    CHECK(r.stdout_bytes == 300000);
    const std::string captured = read_text(dir.path / "stdout.txt");
    CHECK(captured.substr(0, 100000) == std::string(100000, 'x'));
    CHECK_THAT(captured, Catch::EndsWith("[detaudit: capture stopped after 100000 bytes; the program wrote 300000 bytes in all]\n"));
    CHECK(r.stdout_tail.size() == 4096);
}

TEST_CASE("run_process: the exit is seen even when a background process keeps the pipes open") {
    TempDir dir;
    // setsid puts the straggler outside the group: the pipes stay open, the run still ends.
    ProcessSpec spec = shell("setsid sleep 30 & exit 0", dir);
    const auto start = std::chrono::steady_clock::now();
    const ProcessResult r = run_process(spec);
    const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    CHECK(r.succeeded());
    CHECK(elapsed < 5);
}

TEST_CASE("collect_outputs: names, globs, .npz members and bytes; missing patterns listed") {
    TempDir dir;
    Buffer w(DType::f32, {3});
    for (int i = 0; i < 3; ++i) w.as<float>()[i] = static_cast<float>(i);
    write_npy((dir.path / "w.npy").string(), w);
    fs::create_directories(dir.path / "layers");
    write_npy((dir.path / "layers/b.npy").string(), w);
    write_npy((dir.path / "layers/a.npy").string(), w);
    write_npy((dir.path / "layers/.hidden.npy").string(), w);
    write_text(dir.path / "metrics.json", "{\"loss\": 1}");
    const CollectedOutputs c = collect_outputs(dir.path.string(), {"w.npy", "layers/*.npy", "metrics.json", "gone.npy",
                                                                    "logs/*.txt", "w.npy"});
    std::vector<std::string> names;
    for (const auto& f : c.files) names.push_back(f.name);
    CHECK(names == std::vector<std::string>{"w.npy", "layers/a.npy", "layers/b.npy", "metrics.json"});
    CHECK(c.files[0].buffer.dtype() == DType::f32);
    CHECK(c.files[3].buffer.dtype() == DType::bytes);
    CHECK(c.files[3].buffer.elements() == 11);
    CHECK(c.missing == std::vector<std::string>{"gone.npy", "logs/*.txt"});
    CHECK(is_glob("a/*.npy"));
    CHECK(is_glob("x[0-9].npy"));
    CHECK_FALSE(is_glob("plain.npy"));
}

// The one failure of collecting `name` alone.
std::string failure_of(const std::string& out, const std::string& name) {
    const CollectedOutputs c = collect_outputs(out, {name});
    REQUIRE(c.failed.size() == 1);
    CHECK(c.failed[0].name == name);
    CHECK(c.files.empty());
    return c.failed[0].reason;
}

TEST_CASE("collect_outputs: links (out of {out} or not), directories and malformed arrays fail their output only") {
    TempDir dir;
    fs::create_directories(dir.path / "out");
    const std::string out = (dir.path / "out").string();
    write_text(dir.path / "secret.txt", "secret");
    write_text(dir.path / "elsewhere/inner.txt", "secret too");
    fs::create_symlink(dir.path / "secret.txt", dir.path / "out/leak.txt");
    CHECK(failure_of(out, "leak.txt") == "output leak.txt: leak.txt is a symbolic link (to " +
                                             (dir.path / "secret.txt").string() +
                                             "): refused, outputs are read only beneath {out} and never through a link");
    // A link on a directory of the path, not on the file itself.
    fs::create_symlink(dir.path / "elsewhere", dir.path / "out/sub");
    CHECK_THAT(failure_of(out, "sub/inner.txt"), Catch::StartsWith("output sub/inner.txt: sub is a symbolic link (to "));
    // No link is followed, even one that stays inside {out}.
    write_text(dir.path / "out/real.txt", "ok");
    fs::create_symlink("real.txt", dir.path / "out/inside.txt");
    CHECK_THAT(failure_of(out, "inside.txt"), Catch::Contains("is a symbolic link (to real.txt): refused"));
    fs::create_directories(dir.path / "out/adir");
    CHECK(failure_of(out, "adir") == "output adir: not a regular file");
    CHECK(failure_of(out, "../secret.txt") == "output ../secret.txt: \"../secret.txt\" is not a plain path beneath {out}");
    write_text(dir.path / "out/bad.npy", "\x93NUMPY\x01");
    CHECK_THAT(failure_of(out, "bad.npy"), Catch::StartsWith("output bad.npy: "));
    // A glob reports links under their own names, refused.
    const CollectedOutputs c = collect_outputs(out, {"*.txt", "sub/*.txt"});
    std::vector<std::string> names, failed;
    for (const auto& f : c.files) names.push_back(f.name);
    for (const auto& f : c.failed) failed.push_back(f.name);
    CHECK(names == std::vector<std::string>{"real.txt"});
    CHECK(failed == std::vector<std::string>{"inside.txt", "leak.txt"});
    // A directory link is not followed by the listing: sub/inner.txt is no match, said as such.
    CHECK(c.missing == std::vector<std::string>{"sub/*.txt"});
}

TEST_CASE("run_process: the program is found on the PATH it is given, not detaudit's") {
    TempDir dir;
    write_text(dir.path / "bin/detaudit-test-tool", "#!/bin/sh\necho found\n");
    fs::permissions(dir.path / "bin/detaudit-test-tool", fs::perms::owner_all);
    ProcessSpec spec = shell("", dir);
    spec.argv = {"detaudit-test-tool"};
    spec.env["PATH"] = (dir.path / "bin").string() + ":/usr/bin:/bin";
    const ProcessResult r = run_process(spec);
    CHECK(r.succeeded());
    CHECK(read_text(dir.path / "stdout.txt") == "found\n");
}

TEST_CASE("run_process: exits are seen when SIGCHLD was left ignored by detaudit's parent") {
    TempDir dir;
    struct sigaction ignore {}, previous{};
    ignore.sa_handler = SIG_IGN;
    sigemptyset(&ignore.sa_mask);
    ::sigaction(SIGCHLD, &ignore, &previous);
    ProcessSpec spec = shell("exit 3", dir);
    spec.timeout_s = 20;
    const auto start = std::chrono::steady_clock::now();
    const ProcessResult r = run_process(spec);
    ::sigaction(SIGCHLD, &previous, nullptr);
    CHECK(r.end == ProcessResult::End::exited);
    CHECK(r.exit_status == 3);
    CHECK(std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count() < 10);
}

TEST_CASE("path_safe: safe names stay readable; changed or long ones get a digest so none collide") {
    CHECK(path_safe("env.OMP_NUM_THREADS=1") == "env.OMP_NUM_THREADS=1");
    CHECK(path_safe("cpu.schedule=dynamic,cpu.threads=4") == "cpu.schedule=dynamic,cpu.threads=4");
    const std::string slash = path_safe("env.X=a/b"), underscore = path_safe("env.X=a_b");
    CHECK(underscore == "env.X=a_b");
    CHECK(slash != underscore);
    CHECK_THAT(slash, Catch::StartsWith("env.X=a_b-"));
    CHECK(path_safe(std::string(300, 'x')).size() == 80 + 1 + 8);
    CHECK(path_safe("..") != "..");
    CHECK(output_file("state.npz:w1") == "state.npz");
    CHECK(output_file("x:y.txt") == "x:y.txt");
    CHECK(pattern_matches_output("*.txt", "x:y.txt"));
    CHECK(pattern_matches_output("state.npz", "state.npz:w1"));
    CHECK_FALSE(pattern_matches_output("*.npy", "state.npz:w1.npy"));
}

TEST_CASE("exec ops run on host; env axes belong to host; per-output expectations parse") {
    const Scenario s = parse_scenario_text(R"({"detaudit": 1, "backends": ["cpu", "host"],
        "vary": {"env.OMP_NUM_THREADS": ["1", null], "cpu.threads": [1, 2]},
        "operations": [
          {"id": "p", "op": "exec", "command": ["prog", "{out}"],
           "outputs": ["a.npy", {"path": "logits/*.npy", "expect": {"run_to_run": {"max_ulp": 4}}}]},
          {"id": "s", "op": "reduce", "algorithm": "sequential", "n": 8}]})",
                                           "dir/s.json");
    const OpSpec& p = s.operations.at(0);
    CHECK(p.algorithm == "program");
    CHECK(p.backends == std::vector<std::string>{"host"});
    CHECK(p.params["outputs"] == nlohmann::json::array({"a.npy", "logits/*.npy"}));
    CHECK(p.params["timeout_s"] == 600);
    CHECK(s.operations.at(1).backends == std::vector<std::string>{"cpu"});
    CHECK(effective_expectation(p, k_axis_run_to_run, false, "logits/x.npy").max_ulp == 4.0);
    CHECK(effective_expectation(p, k_axis_run_to_run, false, "a.npy").kind == Expectation::Kind::identical);
    CHECK(axis_applies_to("env.OMP_NUM_THREADS", "host"));
    CHECK_FALSE(axis_applies_to("env.OMP_NUM_THREADS", "cpu"));
    CHECK_FALSE(axis_applies_to("cpu.threads", "host"));
    CHECK(axis_value_text(nullptr) == "unset");

    const auto variants = make_variants(s.vary, false);
    REQUIRE(variants.size() == 3);
    const auto env = exec_environment(p, variants.at(2).name == "env.OMP_NUM_THREADS=unset" ? variants.at(2) : variants.at(1));
    CHECK(env.at("OMP_NUM_THREADS") == std::nullopt);
    CHECK(describe_command(nlohmann::json::array({"python3", "-c", "print('hi there')", "{out}"})) ==
          "python3 -c 'print('\\''hi there'\\'')' {out}");
}
