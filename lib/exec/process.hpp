// Runs one external program: argv directly (no shell), in its own process group, with a timeout
// that kills the whole group, stdout and stderr captured to files (bounded) with a tail kept.
#pragma once
#include <atomic>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace detaudit {

struct ProcessSpec {
    std::vector<std::string> argv;                      // argv[0] without '/': looked up on the program's PATH
    std::string cwd;                                    // empty: detaudit's own
    std::map<std::string, std::optional<std::string>> env; // on top of detaudit's environment; nullopt unsets
    double timeout_s = 600;
    std::string stdout_path, stderr_path;               // capture files (created); empty: discarded
    uint64_t capture_limit_bytes = uint64_t(64) << 20;  // per stream; the rest is counted, not written
    const std::atomic<bool>* interrupt = nullptr;       // set: kill the group and return
};

struct ProcessResult {
    enum class End { exited, signalled, timed_out, interrupted, not_started };
    End end = End::not_started;
    int exit_status = 0;          // exited
    int signal = 0;               // signalled
    std::string start_error;      // not_started: why (the OS's words)
    double wall_s = 0;
    uint64_t stdout_bytes = 0, stderr_bytes = 0; // everything the program wrote, kept or not
    std::string stderr_tail;      // the last lines of stderr (at most a few KiB)
    std::string stdout_tail;

    bool succeeded() const { return end == End::exited && exit_status == 0; }
    // "exited with status 3", "killed by signal 11 (Segmentation fault)", "timed out after 2 s"...
    std::string describe_end(double timeout_s) const;
};

// For a signal handler (async-signal-safe): SIGKILL to the process group of the program
// run_process is running now, if any.
void kill_running_program() noexcept;

// Never throws for the program's own failures (they are in the result); throws detaudit::Error
// (runtime) only when detaudit itself cannot set up the run (pipes, capture files).
ProcessResult run_process(const ProcessSpec& spec);

} // namespace detaudit
