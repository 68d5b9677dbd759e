#include "descendants.hpp"
#include <algorithm>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdlib>
#include <dirent.h>
#include <fcntl.h>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <set>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

namespace detaudit {
namespace {

struct ProcEntry {
    pid_t ppid = 0;
    bool alive = false; // not a zombie, not dead
};

// "pid (comm) S ppid ...": comm may hold spaces and parentheses, so fields start after the last
// ')'. Read with open/read: this runs between runs, where an ifstream per process would cost.
bool read_stat(const char* pid_name, ProcEntry& entry) {
    const std::string path = std::string("/proc/") + pid_name + "/stat";
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return false; // it ended since the listing
    char text[1024];
    const ssize_t n = ::read(fd, text, sizeof text - 1);
    ::close(fd);
    if (n <= 0) return false;
    text[n] = '\0';
    const char* close_paren = nullptr;
    for (const char* p = text; *p; ++p)
        if (*p == ')') close_paren = p;
    if (!close_paren || close_paren[1] != ' ' || !close_paren[2]) return false;
    const char state = close_paren[2];
    entry.alive = state != 'Z' && state != 'X' && state != 'x';
    entry.ppid = static_cast<pid_t>(std::strtol(close_paren + 4, nullptr, 10));
    return true;
}

} // namespace

bool become_child_subreaper() {
    static std::once_flag once;
    static bool ok = false;
    std::call_once(once, [] { ok = ::prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) == 0; });
    return ok;
}

std::vector<pid_t> live_descendants() {
    std::map<pid_t, std::vector<pid_t>> children;
    std::map<pid_t, bool> alive;
    DIR* proc = ::opendir("/proc");
    if (!proc) return {};
    while (const dirent* e = ::readdir(proc)) {
        if (e->d_name[0] < '1' || e->d_name[0] > '9') continue;
        ProcEntry entry;
        if (!read_stat(e->d_name, entry)) continue;
        const auto pid = static_cast<pid_t>(std::strtol(e->d_name, nullptr, 10));
        children[entry.ppid].push_back(pid);
        alive[pid] = entry.alive;
    }
    ::closedir(proc);
    std::vector<pid_t> out, pending{::getpid()};
    std::set<pid_t> seen{::getpid()};
    while (!pending.empty()) {
        const pid_t parent = pending.back();
        pending.pop_back();
        for (pid_t child : children[parent]) {
            if (!seen.insert(child).second) continue;
            if (alive[child]) out.push_back(child);
            pending.push_back(child);
        }
    }
    return out;
}

// The children of every thread of detaudit (orphans reparented to a subreaper may land on any),
// from /proc/self/task/*/children; nullopt where the kernel does not provide those files.
static std::optional<std::vector<pid_t>> direct_children() {
    const std::string own = "/proc/self/task/" + std::to_string(::getpid()) + "/children";
    if (::access(own.c_str(), R_OK) != 0) return std::nullopt; // no CONFIG_PROC_CHILDREN
    DIR* tasks = ::opendir("/proc/self/task");
    if (!tasks) return std::nullopt;
    std::vector<pid_t> out;
    while (const dirent* e = ::readdir(tasks)) {
        if (e->d_name[0] < '1' || e->d_name[0] > '9') continue;
        const std::string path = std::string("/proc/self/task/") + e->d_name + "/children";
        const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
        if (fd < 0) continue; // the thread ended
        std::string text;
        char chunk[4096];
        ssize_t n = 0;
        while ((n = ::read(fd, chunk, sizeof chunk)) > 0) text.append(chunk, static_cast<std::size_t>(n));
        ::close(fd);
        const char* p = text.c_str();
        for (char* end = nullptr;; p = end) {
            const long pid = std::strtol(p, &end, 10);
            if (end == p) break;
            out.push_back(static_cast<pid_t>(pid));
        }
    }
    ::closedir(tasks);
    return out;
}

// A pid read from /proc could in principle be reused between the listing and the kill; pids are
// handed out cyclically (pid_max is in the millions), so within those microseconds it is not.
std::size_t kill_live_descendants(pid_t expected_child) {
    // The common case, nothing left behind, without reading every /proc/<pid>/stat: every live
    // descendant has a child of detaudit above it, and the only child is the program itself.
    if (const auto children = direct_children())
        if (std::all_of(children->begin(), children->end(), [&](pid_t c) { return c == expected_child; })) return 0;
    std::size_t n = 0;
    for (pid_t pid : live_descendants())
        if (::kill(pid, SIGKILL) == 0) ++n;
    return n;
}

std::size_t kill_and_reap_descendants(double grace_s) {
    using Clock = std::chrono::steady_clock;
    const auto deadline = Clock::now() + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(grace_s));
    std::set<pid_t> killed;
    while (true) {
        pid_t reaped = 0;
        int status = 0;
        while ((reaped = ::waitpid(-1, &status, WNOHANG)) > 0 || (reaped < 0 && errno == EINTR)) {
        }
        // No child at all, living or not: no descendant either (each has a child of ours above it).
        if (reaped < 0) return killed.size();
        for (pid_t pid : live_descendants())
            if (::kill(pid, SIGKILL) == 0) killed.insert(pid);
        if (Clock::now() >= deadline) return killed.size();
        ::usleep(1000);
    }
}

} // namespace detaudit
