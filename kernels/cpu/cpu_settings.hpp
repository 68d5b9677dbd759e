// How a CPU kernel is parallelised: the values of the cpu.threads and cpu.schedule axes.
#pragma once
#include <string_view>

namespace detaudit::kernels {

enum class CpuSchedule { static_, dynamic, guided };

struct CpuSettings {
    int threads = 1;
    CpuSchedule schedule = CpuSchedule::static_;
};

// Applies the schedule to the calling thread's OpenMP `schedule(runtime)` loops.
void apply_openmp_schedule(const CpuSettings& settings);

// The team an OpenMP parallel region asking for `requested` threads gets now: fewer under
// OMP_THREAD_LIMIT, OMP_DYNAMIC=true (load-dependent) or the implementation's limits.
int openmp_team_size(int requested);

} // namespace detaudit::kernels
