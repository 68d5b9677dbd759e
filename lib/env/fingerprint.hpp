// The environment fingerprint: what machine, build and settings produced a report, so results
// from two machines can be told apart and explained.
#pragma once
#include <string>
#include <vector>
#include <nlohmann/json.hpp>

namespace detaudit {

std::string cpu_model_name();
// Environment variables that change numerics (OpenMP, BLAS, CUDA/cuBLAS, TF/PyTorch, hashing).
const std::vector<std::string>& numerics_env_vars();
// OS, CPU, memory, compiler and flags, OpenMP, BLAS, the numerics env vars (set ones only).
nlohmann::json environment_fingerprint();
// Bytes the kernel says could be allocated without swapping (MemAvailable), 0 if unknown.
uint64_t available_memory_bytes();

} // namespace detaudit
