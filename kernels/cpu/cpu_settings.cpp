#include "cpu_settings.hpp"
#include <omp.h>

namespace detaudit::kernels {

void apply_openmp_schedule(const CpuSettings& settings) {
    switch (settings.schedule) {
    case CpuSchedule::static_: omp_set_schedule(omp_sched_static, 0); break;
    case CpuSchedule::dynamic: omp_set_schedule(omp_sched_dynamic, 1); break;
    case CpuSchedule::guided: omp_set_schedule(omp_sched_guided, 1); break;
    }
}

} // namespace detaudit::kernels
