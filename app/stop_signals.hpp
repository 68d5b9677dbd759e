// Stop signals from the first instruction of main: SIGINT (Ctrl-C), SIGTERM (a cancelled CI job)
// and SIGHUP (a closed terminal) ask `run` for a clean stop (the reports of the runs completed,
// exit 130) however early they come; SIGPIPE is ignored, so a closed stdout (`| head`) is an
// EPIPE the console ends on instead of the end of detaudit (report files are written first).
#pragma once
#include <atomic>

namespace detaudit::app {

// First thing in main: installs the handlers and unblocks the stop signals (a parent's blocked
// mask must not turn Ctrl-C into nothing).
void install_signal_handlers();
// Set by the first stop signal.
const std::atomic<bool>& stop_requested();
// For commands without a clean stop (all but run): a stop signal ends detaudit at once, and one
// that already came ends it now.
void stop_signals_end_detaudit();

} // namespace detaudit::app
