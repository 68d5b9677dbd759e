// CPU random number generators for the `rng` op (kernels/cuda mirrors the names).
#pragma once
#include <cstddef>
#include <cstdint>
#include "cpu_settings.hpp"
#include "../common/op_enums.hpp"

namespace detaudit::kernels {

// `philox`: element i is a pure function of (seed, i) — the stream of kernels/common/philox.hpp
// converted as cuRAND does. Identical for any thread count.
template <typename T>
void rng_philox(Distribution distribution, uint64_t seed, T* out, std::size_t count,
                const CpuSettings& settings);

// `shared_state`: one stream consumed by every thread in arrival order, each thread writing its
// own slots — the "one global generator used from many threads" pattern.
template <typename T>
void rng_shared_state(Distribution distribution, uint64_t seed, T* out, std::size_t count,
                      const CpuSettings& settings);

} // namespace detaudit::kernels
