#include "stop_signals.hpp"
#include <csignal>
#include "exec/process.hpp"

namespace detaudit::app {
namespace {

std::atomic<bool> g_stop_requested{false};
std::atomic<bool> g_clean_stop{true};
std::atomic<int> g_first_signal{0};
constexpr int k_stop_signals[] = {SIGINT, SIGTERM, SIGHUP};

void end_by(int signal_number) {
    kill_running_program();
    std::signal(signal_number, SIG_DFL);
    std::raise(signal_number);
}

// The first stop signal sets the flag the audit polls. A second one ends detaudit at once, and
// the running exec program's process group with it (it is not in detaudit's group, so nothing
// else would).
extern "C" void on_stop_signal(int signal_number) {
    if (!g_clean_stop.load() || g_stop_requested.exchange(true)) end_by(signal_number);
    g_first_signal.store(signal_number);
}

} // namespace

void install_signal_handlers() {
    std::signal(SIGPIPE, SIG_IGN); // exec programs get the default back (process.cpp)
    sigset_t stop;
    sigemptyset(&stop);
    for (int s : k_stop_signals) {
        std::signal(s, on_stop_signal);
        sigaddset(&stop, s);
    }
    sigprocmask(SIG_UNBLOCK, &stop, nullptr);
}

const std::atomic<bool>& stop_requested() { return g_stop_requested; }

void stop_signals_end_detaudit() {
    g_clean_stop.store(false);
    if (g_stop_requested.load()) end_by(g_first_signal.load() ? g_first_signal.load() : SIGINT);
}

} // namespace detaudit::app
