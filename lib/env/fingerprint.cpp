#include "fingerprint.hpp"
#include <cstdlib>
#include <fstream>
#include <set>
#include <sstream>
#include <thread>
#include <sys/utsname.h>
#include <unistd.h>
#include "kernels/cpu/matmul_cpu.hpp"

#ifndef DETAUDIT_VERSION
#define DETAUDIT_VERSION "0.0.0"
#endif
#ifndef DETAUDIT_BUILD_TYPE
#define DETAUDIT_BUILD_TYPE "unknown"
#endif
#ifndef DETAUDIT_CXX_FLAGS
#define DETAUDIT_CXX_FLAGS ""
#endif

namespace detaudit {
namespace {

std::string cpuinfo_field(const std::string& field) {
    std::ifstream in("/proc/cpuinfo");
    std::string line;
    while (std::getline(in, line)) {
        if (line.rfind(field, 0) == 0) {
            const auto colon = line.find(':');
            if (colon != std::string::npos) {
                std::string value = line.substr(colon + 1);
                value.erase(0, value.find_first_not_of(" \t"));
                return value;
            }
        }
    }
    return "";
}

uint64_t meminfo_kib(const std::string& key) {
    std::ifstream in("/proc/meminfo");
    std::string name;
    uint64_t value = 0;
    std::string unit;
    while (in >> name >> value >> unit)
        if (name == key + ":") return value;
    return 0;
}

std::string os_pretty_name() {
    std::ifstream in("/etc/os-release");
    std::string line;
    while (std::getline(in, line)) {
        if (line.rfind("PRETTY_NAME=", 0) == 0) {
            std::string v = line.substr(12);
            if (v.size() >= 2 && v.front() == '"') v = v.substr(1, v.size() - 2);
            return v;
        }
    }
    return "";
}

} // namespace

std::string cpu_model_name() {
    std::string model = cpuinfo_field("model name");
    return model.empty() ? "unknown CPU" : model;
}

const std::vector<std::string>& numerics_env_vars() {
    static const std::vector<std::string> vars = {
        "OMP_NUM_THREADS", "OMP_SCHEDULE", "OMP_PROC_BIND", "OMP_PLACES", "OMP_DYNAMIC", "OMP_THREAD_LIMIT",
        "OPENBLAS_NUM_THREADS", "OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE", "OPENBLAS_VERBOSE",
        "MKL_NUM_THREADS", "MKL_CBWR", "GOTO_NUM_THREADS",
        "CUDA_VISIBLE_DEVICES", "CUBLAS_WORKSPACE_CONFIG", "NVIDIA_TF32_OVERRIDE", "CUDA_LAUNCH_BLOCKING",
        "TF_DETERMINISTIC_OPS", "TF_CUDNN_DETERMINISTIC", "TF_ENABLE_ONEDNN_OPTS",
        "PYTHONHASHSEED", "CUBLASLT_WORKSPACE_SIZE", "TORCH_DETERMINISTIC",
        "TORCH_ALLOW_TF32_CUBLAS_OVERRIDE"};
    return vars;
}

nlohmann::json environment_fingerprint() {
    nlohmann::json env;
    utsname u{};
    if (uname(&u) == 0)
        env["os"] = {{"name", os_pretty_name()}, {"kernel", std::string(u.sysname) + " " + u.release},
                     {"machine", u.machine}};
    const std::string flags = cpuinfo_field("flags");
    std::istringstream words(flags);
    const std::set<std::string> interesting = {"sse4_2", "avx", "avx2", "fma", "f16c", "avx512f",
                                               "avx512dq", "avx512bw", "avx512vl", "avx512_bf16",
                                               "avx512_fp16", "amx_tile", "neon", "asimd", "sve"};
    std::vector<std::string> isa;
    for (std::string w; words >> w;)
        if (interesting.count(w)) isa.push_back(w);
    env["cpu"] = {{"model", cpu_model_name()},
                  {"hardware_threads", std::thread::hardware_concurrency()},
                  {"isa", isa}};
    env["memory_bytes"] = meminfo_kib("MemTotal") * 1024;
    env["build"] = {{"compiler", std::string(__VERSION__)},
                    {"build_type", DETAUDIT_BUILD_TYPE},
                    {"cxx_flags", DETAUDIT_CXX_FLAGS},
                    {"fp_contract", "off"},
                    {"openmp", _OPENMP}};
    const kernels::BlasInfo blas = kernels::blas_info();
    env["blas"] = {{"name", blas.name}, {"config", blas.config}, {"core", blas.core}, {"threads", blas.threads}};
    nlohmann::json vars = nlohmann::json::object();
    for (const auto& name : numerics_env_vars())
        if (const char* v = std::getenv(name.c_str())) vars[name] = v;
    env["numerics_env"] = vars;
    return env;
}

uint64_t available_memory_bytes() { return meminfo_kib("MemAvailable") * 1024; }

} // namespace detaudit
