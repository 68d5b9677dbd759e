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

int openmp_team_size(int requested) {
    int team = 0;
#pragma omp parallel num_threads(requested)
    {
#pragma omp single
        team = omp_get_num_threads();
    }
    return team;
}

} // namespace detaudit::kernels
