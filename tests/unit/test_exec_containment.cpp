// lib/exec containment: descendants that leave the program's process group are killed and
// reaped, nothing is read or removed through a link, abandoned run roots are recognised by their
// owner lock; lib/report's terminal escaping; the order of an exec op's outputs.
#include <catch2/catch.hpp>
#include <chrono>
#include <cstdlib>
#include <optional>
#include <csignal>
#include <fcntl.h>
#include <filesystem>
#include <fstream>
#include <sys/file.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>
#include "audit/cell_outputs.hpp"
#include "backends/host_backend.hpp"
#include "common/error.hpp"
#include "exec/descendants.hpp"
#include "exec/dir_fd.hpp"
#include "exec/file_lock.hpp"
#include "exec/process.hpp"
#include "exec/run_dirs.hpp"
#include "report/terminal_text.hpp"
#include "scenario/scenario_parser.hpp"
#include "temp_files.hpp"

namespace fs = std::filesystem;
using namespace detaudit;

namespace {

using test::TempDir;
using test::read_text;
using test::write_text;

bool running(pid_t pid) {
    std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
    std::string text((std::istreambuf_iterator<char>(stat)), {});
    const auto paren = text.rfind(") ");
    return paren != std::string::npos && text[paren + 2] != 'Z' && text[paren + 2] != 'X';
}

} // namespace

TEST_CASE("run_process: a child that left the process group (setsid) is killed and reaped with the run") {
    TempDir dir;
    const fs::path pid_file = dir.path / "pid";
    ProcessSpec spec;
    spec.argv = {"sh", "-c", "setsid sh -c 'echo $$ > \"$0\"; exec sleep 30' \"$0\" & "
                             "while [ ! -s \"$0\" ]; do sleep 0.01; done", pid_file.string()};
    spec.timeout_s = 30;
    const ProcessResult r = run_process(spec);
    CHECK(r.succeeded());
    const pid_t escaped = static_cast<pid_t>(std::stol(read_text(pid_file)));
    CHECK_FALSE(running(escaped));
    CHECK(live_descendants().empty());
    if (running(escaped)) ::kill(escaped, SIGKILL);
}

TEST_CASE("kill_and_reap_descendants: grandchildren reparented to the subreaper are killed and reaped") {
    REQUIRE(become_child_subreaper());
    const pid_t child = ::fork();
    REQUIRE(child >= 0);
    if (child == 0) {
        if (::fork() == 0) {
            ::setsid();
            ::pause();
        }
        ::_exit(0); // the grandchild is orphaned: reparented to this test process
    }
    int status = 0;
    REQUIRE(::waitpid(child, &status, 0) == child);
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    const std::vector<pid_t> left = live_descendants();
    REQUIRE(left.size() == 1);
    CHECK(kill_and_reap_descendants(5) == 1);
    CHECK_FALSE(running(left[0]));
    CHECK(live_descendants().empty());
    CHECK(::waitpid(-1, &status, WNOHANG) == -1); // nothing left to reap either
}

TEST_CASE("remove_tree_at: removes a tree and the links in it, never what a link points to") {
    TempDir dir;
    write_text(dir.path / "keep/precious.txt", "x");
    write_text(dir.path / "run/out/a/b.txt", "x");
    fs::create_symlink(dir.path / "keep", dir.path / "run/out/a/link");
    const UniqueFd run = open_directory((dir.path / "run").string());
    REQUIRE(run);
    CHECK(remove_tree_at(run.get(), "out"));
    CHECK_FALSE(fs::exists(dir.path / "run/out"));
    CHECK(fs::exists(dir.path / "keep/precious.txt"));
    // {out} itself replaced by a link: the link goes, its target stays.
    fs::create_symlink(dir.path / "keep", dir.path / "run/out");
    CHECK(remove_tree_at(run.get(), "out"));
    CHECK(fs::exists(dir.path / "keep/precious.txt"));
    CHECK(remove_tree_at(run.get(), "missing"));
}

TEST_CASE("open_file_beneath and list_beneath: a held {out} is read even after its path is replaced") {
    TempDir dir;
    write_text(dir.path / "out/sub/a.txt", "mine");
    write_text(dir.path / "elsewhere/sub/a.txt", "not mine");
    const UniqueFd out = open_directory((dir.path / "out").string());
    REQUIRE(out);
    fs::rename(dir.path / "out", dir.path / "moved");
    fs::create_symlink(dir.path / "elsewhere", dir.path / "out");
    const UniqueFd parent = open_directory(dir.path.string());
    CHECK_FALSE(same_entry(parent.get(), "out", out.get()));
    bool missing = false;
    std::string why;
    const UniqueFd a = open_file_beneath(out.get(), "sub/a.txt", missing, why);
    REQUIRE(a);
    char text[16] = {};
    CHECK(::read(a.get(), text, sizeof text) == 4);
    CHECK(std::string(text) == "mine");
    CHECK(list_beneath(out.get()) == std::vector<std::string>{"sub/a.txt"});
    CHECK_FALSE(open_file_beneath(out.get(), "nope/x", missing, why));
    CHECK(missing);
    CHECK(open_directory((dir.path / "out").string()).get() < 0); // a link to a directory is not opened
}

TEST_CASE("remove_abandoned_run_roots: only this user's roots whose owner lock nobody holds") {
    TempDir dir;
    const std::string tmp = dir.path.string();
    auto make_root = [&](const std::string& name, bool owner_file) {
        fs::create_directories(dir.path / name / "p");
        if (owner_file) write_text(dir.path / name / k_run_root_owner_file, "pid 1\n");
    };
    make_root("detaudit-runs-gone01", true);   // its detaudit is gone: nobody holds the lock
    make_root("detaudit-runs-nofile", false);  // no proof: kept
    make_root("detaudit-runs-held01", true);   // held below: its detaudit runs
    make_root("other-gone01", true);           // not ours by name
    fs::create_symlink(dir.path / "detaudit-runs-gone01", dir.path / "detaudit-runs-link01");
    std::string holder;
    std::optional<FileLock> held = FileLock::try_acquire((dir.path / "detaudit-runs-held01" / k_run_root_owner_file).string(), holder);
    REQUIRE(held);
    CHECK(remove_abandoned_run_roots(tmp) == 1);
    CHECK_FALSE(fs::exists(dir.path / "detaudit-runs-gone01"));
    CHECK(fs::exists(dir.path / "detaudit-runs-nofile"));
    CHECK(fs::exists(dir.path / "detaudit-runs-held01"));
    CHECK(fs::exists(dir.path / "other-gone01"));
    CHECK(fs::is_symlink(dir.path / "detaudit-runs-link01"));
}

TEST_CASE("RunDirs: a dump directory's op is claimed by one audit at a time; temporary roots are owned") {
    TempDir dir;
    const std::string dump = (dir.path / "dump").string();
    {
        RunDirs first(dump, false);
        first.claim({"a", "b"});
        RunDirs second(dump, false);
        second.claim({"c"}); // another op: no conflict
        RunDirs third(dump, false);
        try {
            third.claim({"b"});
            FAIL("a claimed op was claimed twice");
        } catch (const Error& e) {
            CHECK(e.kind() == ErrorKind::usage);
            CHECK_THAT(e.what(), Catch::Contains("another detaudit (pid " + std::to_string(::getpid()) +
                                                 ") is running operation \"b\" into it now"));
        }
        CHECK(first.finish().empty());
    }
    RunDirs again(dump, false);
    again.claim({"b"}); // released with the audit
    const char* previous = std::getenv("TMPDIR");
    const std::optional<std::string> saved = previous ? std::optional<std::string>(previous) : std::nullopt;
    ::setenv("TMPDIR", dir.path.c_str(), 1);
    RunDirs temp("", false);
    const std::string root = temp.root();
    CHECK(fs::exists(fs::path(root) / k_run_root_owner_file));
    CHECK(remove_abandoned_run_roots(dir.path.string()) == 0); // held by this audit
    CHECK(temp.finish().empty());
    CHECK_FALSE(fs::exists(root));
    RunDirs kept("", true);
    const std::string kept_root = kept.root();
    CHECK(kept.finish() == kept_root);
    CHECK_FALSE(fs::exists(fs::path(kept_root) / k_run_root_owner_file));
    CHECK(remove_abandoned_run_roots(dir.path.string()) == 0);
    CHECK(fs::exists(kept_root));
    if (saved) ::setenv("TMPDIR", saved->c_str(), 1);
    else ::unsetenv("TMPDIR");
}

TEST_CASE("escape_for_terminal: controls, C1, bidi overrides and bad UTF-8 are visible; text is kept") {
    CHECK(escape_for_terminal("plain µs · text") == "plain µs · text");
    CHECK(escape_for_terminal("\x1b[31mred\x1b]0;title\x07") == "\\x1b[31mred\\x1b]0;title\\x07");
    CHECK(escape_for_terminal(std::string("a\0b", 3)) == "a\\x00b");
    CHECK(escape_for_terminal("a\tb\r\nc\x7f") == "a\\tb\\r\\nc\\x7f");
    CHECK(escape_for_terminal("a\nb", Newlines::keep) == "a\nb");
    CHECK(escape_for_terminal("\xc2\x9b" "2J") == "\\u009b2J");      // C1 CSI as UTF-8
    CHECK(escape_for_terminal("\x9b" "2J") == "\\x9b2J");            // and as a lone byte
    CHECK(escape_for_terminal("abc\xe2\x80\xae" "fed") == "abc\\u202efed"); // right-to-left override
    CHECK(escape_for_terminal("\xff\xc3") == "\\xff\\xc3");          // not UTF-8, cut mid-character
    CHECK(escape_for_terminal("\xc0\xaf") == "\\xc0\\xaf");          // overlong
}

TEST_CASE("describe_command: an argument with control characters is shown as bash's $'...', escaped") {
    CHECK(describe_command(nlohmann::json::array({"printf", "\x1b[1m it's \\ here\n"})) ==
          "printf $'\\x1b[1m it\\'s \\\\ here\\n'");
    CHECK(describe_command(nlohmann::json::array({"python3", "-c", "print('hi there')"})) ==
          "python3 -c 'print('\\''hi there'\\'')'");
}

TEST_CASE("order_as_declared: each pattern's outputs at its place, globs by name, archives as seen") {
    const Scenario s = parse_scenario_text(R"({"detaudit": 1, "operations": [{"id": "p", "op": "exec",
        "command": ["prog"], "outputs": ["z.npy", "state.npz", "layers/*.npy", "a.npy"]}]})",
                                           "dir/s.json");
    std::vector<std::string> names = {"z.npy", "a.npy", "layers/b.npy", "state.npz:w2", "state.npz:w1",
                                      "layers/a.npy", "other"};
    order_as_declared(s.operations.at(0), names);
    CHECK(names == std::vector<std::string>{"z.npy", "state.npz:w2", "state.npz:w1", "layers/a.npy", "layers/b.npy",
                                            "a.npy", "other"});
}
