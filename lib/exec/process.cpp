#include "process.hpp"
#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstring>
#include <fcntl.h>
#include <poll.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>
#include "common/error.hpp"
#include "descendants.hpp"

extern char** environ;

namespace detaudit {
namespace {

constexpr std::size_t k_tail_bytes = 4096;
constexpr int k_poll_ms = 20;
// After the program exits, what it left running (in its group or escaped from it) is killed;
// their pipe ends close at once, but a read may still be pending.
constexpr double k_drain_grace_s = 0.5;
// How long the end of a run waits for killed leftovers to die (one in uninterruptible sleep is
// reaped by a later run instead).
constexpr double k_reap_grace_s = 2.0;

using Clock = std::chrono::steady_clock;

class Fd {
public:
    Fd() = default;
    explicit Fd(int fd) : m_fd(fd) {}
    Fd(Fd&& o) noexcept : m_fd(o.release()) {}
    Fd& operator=(Fd&& o) noexcept {
        reset(o.release());
        return *this;
    }
    ~Fd() { reset(); }
    int get() const { return m_fd; }
    int release() {
        const int fd = m_fd;
        m_fd = -1;
        return fd;
    }
    void reset(int fd = -1) {
        if (m_fd >= 0) ::close(m_fd);
        m_fd = fd;
    }

private:
    int m_fd = -1;
};

std::string os_error(const std::string& what, int err) { return what + ": " + std::strerror(err); }

// One captured stream: written to its file up to the limit, counted in full, its tail kept.
class Capture {
public:
    Capture(const std::string& path, uint64_t limit) : m_limit(limit) {
        if (path.empty()) return;
        m_file = Fd(::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644));
        if (m_file.get() < 0) throw Error(ErrorKind::runtime, os_error("cannot create the capture file " + path, errno));
    }

    void add(const char* data, std::size_t n) {
        if (m_file.get() >= 0 && m_written < m_limit) {
            const std::size_t keep = static_cast<std::size_t>(std::min<uint64_t>(n, m_limit - m_written));
            write_all(data, keep);
            m_written += keep;
        }
        m_total += n;
        m_tail.append(data, n);
        if (m_tail.size() > 2 * k_tail_bytes) m_tail.erase(0, m_tail.size() - k_tail_bytes);
    }

    void finish() {
        if (m_file.get() >= 0 && m_total > m_written) {
            const std::string note = "\n[detaudit: capture stopped after " + std::to_string(m_written) +
                                     " bytes; the program wrote " + std::to_string(m_total) + " bytes in all]\n";
            write_all(note.data(), note.size());
        }
        m_file.reset();
    }

    uint64_t total() const { return m_total; }
    std::string tail() const {
        return m_tail.size() > k_tail_bytes ? m_tail.substr(m_tail.size() - k_tail_bytes) : m_tail;
    }

private:
    void write_all(const char* data, std::size_t n) {
        while (n > 0) {
            const ssize_t w = ::write(m_file.get(), data, n);
            if (w < 0 && errno == EINTR) continue;
            if (w <= 0) return; // a full disk loses the capture, not the run
            data += w;
            n -= static_cast<std::size_t>(w);
        }
    }

    Fd m_file;
    uint64_t m_limit, m_written = 0, m_total = 0;
    std::string m_tail;
};

std::vector<std::string> environment_for(const ProcessSpec& spec) {
    std::map<std::string, std::string> env;
    for (char** e = environ; e && *e; ++e) {
        const std::string entry = *e;
        const auto eq = entry.find('=');
        if (eq != std::string::npos) env[entry.substr(0, eq)] = entry.substr(eq + 1);
    }
    for (const auto& [name, value] : spec.env) {
        if (value) env[name] = *value;
        else env.erase(name);
    }
    std::vector<std::string> out;
    for (const auto& [name, value] : env) out.push_back(name + "=" + value);
    return out;
}

std::vector<char*> pointers(std::vector<std::string>& strings) {
    std::vector<char*> p;
    for (auto& s : strings) p.push_back(s.data());
    p.push_back(nullptr);
    return p;
}

// Reads what is available; false at end of file.
bool pump(int fd, Capture& capture) {
    char chunk[65536];
    while (true) {
        const ssize_t n = ::read(fd, chunk, sizeof chunk);
        if (n > 0) {
            capture.add(chunk, static_cast<std::size_t>(n));
            if (static_cast<std::size_t>(n) < sizeof chunk) return true;
            continue;
        }
        if (n == 0) return false;
        if (errno == EINTR) continue;
        return errno == EAGAIN || errno == EWOULDBLOCK;
    }
}

// The process group of the program running now, for a signal handler that must end it.
std::atomic<pid_t> g_running_group{0};

// The program's stdout and stderr pipes: one poll, then what is readable goes to its capture.
struct Pipes {
    int out_fd, err_fd;
    bool &out_open, &err_open;
    Capture &out, &err;

    // False when poll itself fails (not on a timeout or a signal).
    bool poll_once() {
        pollfd fds[2];
        nfds_t n = 0;
        if (out_open) fds[n++] = {out_fd, POLLIN, 0};
        if (err_open) fds[n++] = {err_fd, POLLIN, 0};
        const int ready = ::poll(fds, n, k_poll_ms);
        if (ready < 0) return errno == EINTR;
        for (nfds_t i = 0; i < n && ready > 0; ++i) {
            if (!(fds[i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
            const bool is_out = fds[i].fd == out_fd;
            (is_out ? out_open : err_open) = pump(fds[i].fd, is_out ? out : err);
        }
        return true;
    }
};

// Has the child exited? Not reaped, so its pid (the group's id) cannot be reused yet. ECHILD
// (someone else reaped it) also means it is gone.
bool has_exited(pid_t pid) {
    siginfo_t info{};
    if (::waitid(P_PID, static_cast<id_t>(pid), &info, WEXITED | WNOHANG | WNOWAIT) != 0) return errno == ECHILD;
    return info.si_pid == pid;
}

// The program as posix_spawn must find it: a name without '/' is looked up on the PATH the
// program gets (the op's env or an env.PATH axis may set it), not detaudit's own.
std::optional<std::string> find_program(const std::string& name, const std::vector<std::string>& env,
                                        std::string& searched) {
    if (name.find('/') != std::string::npos) return name;
    std::string path = "/usr/local/bin:/usr/bin:/bin";
    for (const auto& e : env)
        if (e.rfind("PATH=", 0) == 0) path = e.substr(5);
    searched = path;
    std::optional<std::string> not_executable;
    std::size_t start = 0;
    while (start <= path.size()) {
        const std::size_t colon = std::min(path.find(':', start), path.size());
        const std::string dir = colon == start ? "." : path.substr(start, colon - start);
        const std::string candidate = dir + "/" + name;
        if (::access(candidate.c_str(), X_OK) == 0) return candidate;
        if (!not_executable && ::access(candidate.c_str(), F_OK) == 0) not_executable = candidate;
        start = colon + 1;
    }
    return not_executable; // spawning it reports EACCES; nullopt: not found
}

int reap(pid_t pid) {
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    return status;
}

} // namespace

void kill_running_program() noexcept {
    const pid_t group = g_running_group.load();
    if (group > 0) ::kill(-group, SIGKILL);
}

std::string ProcessResult::describe_end(double timeout_s) const {
    switch (end) {
    case End::exited: return "exited with status " + std::to_string(exit_status);
    case End::signalled: return "killed by signal " + std::to_string(signal) + " (" + strsignal(signal) + ")";
    case End::timed_out: {
        char text[64];
        std::snprintf(text, sizeof text, "%g", timeout_s);
        return std::string("timed out after ") + text + " s (timeout_s): its process group was killed";
    }
    case End::interrupted: return "interrupted: its process group was killed";
    case End::not_started: return "could not be started: " + start_error;
    }
    return "?";
}

// Everything the program left: its process group, and descendants that left the group
// (setsid(), daemons: ours through the subreaper).
static void kill_leftovers(pid_t group) {
    ::kill(-group, SIGKILL);
    kill_live_descendants(group);
}

namespace {

// The child in its own process group, stdin from /dev/null, stdout and stderr into the pipes,
// default signal dispositions and an empty mask whatever detaudit's own are. 0 or the errno.
int spawn_in_own_group(const ProcessSpec& spec, int out_fd, int err_fd, pid_t& pid, std::string& searched) {
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_adddup2(&actions, out_fd, 1);
    posix_spawn_file_actions_adddup2(&actions, err_fd, 2);
    if (!spec.cwd.empty()) posix_spawn_file_actions_addchdir_np(&actions, spec.cwd.c_str());
    posix_spawnattr_t attr;
    posix_spawnattr_init(&attr);
    // Its own process group, so a timeout kills everything it started.
    posix_spawnattr_setpgroup(&attr, 0);
    sigset_t empty, defaults;
    sigemptyset(&empty);
    sigemptyset(&defaults);
    for (int s : {SIGINT, SIGTERM, SIGPIPE, SIGHUP, SIGQUIT}) sigaddset(&defaults, s);
    posix_spawnattr_setsigmask(&attr, &empty);
    posix_spawnattr_setsigdefault(&attr, &defaults);
    posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);

    std::vector<std::string> argv = spec.argv;
    std::vector<std::string> env = environment_for(spec);
    std::vector<char*> argv_p = pointers(argv), env_p = pointers(env);
    const std::optional<std::string> program = find_program(spec.argv[0], env, searched);
    const int error = program ? ::posix_spawn(&pid, program->c_str(), &actions, &attr, argv_p.data(), env_p.data())
                              : ENOENT;
    if (error == 0) g_running_group.store(pid);
    posix_spawn_file_actions_destroy(&actions);
    posix_spawnattr_destroy(&attr);
    return error;
}

std::string describe_spawn_error(const ProcessSpec& spec, int error, const std::string& searched) {
    if (error == ENOENT)
        return "no such program \"" + spec.argv[0] + "\"" + (searched.empty() ? "" : " on PATH (" + searched + ")");
    if (error == EACCES) return "\"" + spec.argv[0] + "\" is not executable (permission denied)";
    return os_error("\"" + spec.argv[0] + "\"", error);
}

// Reads both pipes until they close and the child has exited, the deadline passes or Ctrl-C
// comes (result.end then says which); returns whether the exit was seen. The group is killed
// either way, and what it wrote last is drained.
bool pump_until_exit(const ProcessSpec& spec, pid_t pid, Clock::time_point deadline, Pipes& pipes,
                     ProcessResult& result) {
    bool exited = false;
    std::optional<Clock::time_point> drain_until;
    while (pipes.out_open || pipes.err_open) {
        if (!exited && has_exited(pid)) {
            exited = true;
            kill_leftovers(pid);
            drain_until = Clock::now() + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(k_drain_grace_s));
        }
        const auto now = Clock::now();
        if (drain_until && now > *drain_until) break;
        if (!exited && now >= deadline) {
            result.end = ProcessResult::End::timed_out;
            break;
        }
        if (!exited && spec.interrupt && spec.interrupt->load()) {
            result.end = ProcessResult::End::interrupted;
            break;
        }
        if (!pipes.poll_once()) break;
    }
    // Both pipes closed (or the grace ran out) before the exit was seen: wait for it, within the
    // timeout.
    while (!exited && result.end == ProcessResult::End::not_started) {
        if (has_exited(pid)) {
            exited = true;
            kill_leftovers(pid);
        } else if (Clock::now() >= deadline) {
            result.end = ProcessResult::End::timed_out;
        } else if (spec.interrupt && spec.interrupt->load()) {
            result.end = ProcessResult::End::interrupted;
        } else {
            ::usleep(1000);
        }
    }
    if (!exited) {
        kill_leftovers(pid);
        // What it wrote just before (often where it hung) is still in the pipes.
        const auto drain_end = Clock::now() + std::chrono::milliseconds(200);
        while ((pipes.out_open || pipes.err_open) && Clock::now() < drain_end && pipes.poll_once()) {
        }
    }
    return exited;
}

// How it ended, from the wait status, unless a timeout or Ctrl-C already said so.
void record_end(int status, ProcessResult& result) {
    if (result.end != ProcessResult::End::not_started) return;
    if (WIFEXITED(status)) {
        result.end = ProcessResult::End::exited;
        result.exit_status = WEXITSTATUS(status);
    } else {
        result.end = ProcessResult::End::signalled;
        result.signal = WIFSIGNALED(status) ? WTERMSIG(status) : 0;
    }
}

} // namespace

ProcessResult run_process(const ProcessSpec& spec) {
    become_child_subreaper();
    // A parent that left SIGCHLD ignored makes the kernel reap children at once: exits could not
    // be waited for. detaudit waits for its own children.
    struct sigaction chld {};
    chld.sa_handler = SIG_DFL;
    sigemptyset(&chld.sa_mask);
    ::sigaction(SIGCHLD, &chld, nullptr);
    ProcessResult result;
    int out_pipe[2], err_pipe[2];
    if (::pipe2(out_pipe, O_CLOEXEC) != 0) throw Error(ErrorKind::runtime, os_error("pipe", errno));
    Fd out_read(out_pipe[0]), out_write(out_pipe[1]);
    if (::pipe2(err_pipe, O_CLOEXEC) != 0) throw Error(ErrorKind::runtime, os_error("pipe", errno));
    Fd err_read(err_pipe[0]), err_write(err_pipe[1]);
    Capture out_capture(spec.stdout_path, spec.capture_limit_bytes);
    Capture err_capture(spec.stderr_path, spec.capture_limit_bytes);

    pid_t pid = -1;
    std::string searched;
    const auto start = Clock::now();
    const int spawn_error = spawn_in_own_group(spec, out_write.get(), err_write.get(), pid, searched);
    out_write.reset();
    err_write.reset();
    if (spawn_error != 0) {
        result.end = ProcessResult::End::not_started;
        result.start_error = describe_spawn_error(spec, spawn_error, searched);
        out_capture.finish();
        err_capture.finish();
        return result;
    }
    ::fcntl(out_read.get(), F_SETFL, O_NONBLOCK);
    ::fcntl(err_read.get(), F_SETFL, O_NONBLOCK);

    const auto deadline = start + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(spec.timeout_s));
    bool out_open = true, err_open = true;
    Pipes pipes{out_read.get(), err_read.get(), out_open, err_open, out_capture, err_capture};
    pump_until_exit(spec, pid, deadline, pipes, result);
    const int status = reap(pid);
    g_running_group.store(0);
    kill_and_reap_descendants(k_reap_grace_s);
    result.wall_s = std::chrono::duration<double>(Clock::now() - start).count();
    record_end(status, result);
    out_capture.finish();
    err_capture.finish();
    result.stdout_bytes = out_capture.total();
    result.stderr_bytes = err_capture.total();
    result.stdout_tail = out_capture.tail();
    result.stderr_tail = err_capture.tail();
    return result;
}

} // namespace detaudit
