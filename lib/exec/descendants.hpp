// Containment of what a program leaves behind: detaudit is a child subreaper, so a process that
// leaves its process group (setsid(), a double-forking daemon) is still detaudit's descendant and
// is found, killed and reaped at the end of the run that started it.
#pragma once
#include <cstddef>
#include <sys/types.h>
#include <vector>

namespace detaudit {

// PR_SET_CHILD_SUBREAPER on detaudit itself (once; later calls do nothing): orphans of the
// programs it runs are reparented to detaudit instead of init. False where the kernel refuses.
bool become_child_subreaper();

// Every live (not zombie) process whose parent chain leads to this process, found through the
// ppid of each /proc/<pid>/stat. Threads are not processes: they are not listed.
std::vector<pid_t> live_descendants();

// SIGKILL to every live descendant (without reaping); returns how many were signalled.
// `expected_child`: the program, exited but not yet reaped; when it is detaudit's only child,
// nothing else can be left and /proc is not scanned.
std::size_t kill_live_descendants(pid_t expected_child = 0);

// SIGKILL to every live descendant, then reap every child (zombies of descendants that were
// reparented to detaudit included), again until none is left or `grace_s` has passed (a process
// in uninterruptible sleep dies late). Returns how many processes were killed. Call it only when
// no child of detaudit is meant to live on: it reaps any child (waitpid(-1)).
std::size_t kill_and_reap_descendants(double grace_s);

} // namespace detaudit
