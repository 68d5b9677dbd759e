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

} // namespace detaudit::kernels
