// Checked CUDA, cuBLAS and cuRAND calls and device memory ownership for the .cu files of
// kernels/cuda (never included outside it). Every failure becomes a CudaFailure naming the call.
#pragma once
#include <cublas_v2.h>
#include <cuda_runtime.h>
#include <curand.h>
#include <cstddef>
#include <string>
#include "cuda_kernels.hpp"

namespace detaudit::kernels::cuda_detail {

inline void check(cudaError_t status, const char* call) {
    if (status != cudaSuccess)
        throw CudaFailure(std::string(call) + ": " + cudaGetErrorString(status) + " (" + cudaGetErrorName(status) + ")");
}
inline void check(cublasStatus_t status, const char* call) {
    if (status != CUBLAS_STATUS_SUCCESS)
        throw CudaFailure(std::string(call) + ": " + cublasGetStatusString(status) + " (" +
                          cublasGetStatusName(status) + ")");
}
void check(curandStatus_t status, const char* call); // curand_device.cu: cuRAND has no status strings

// After a kernel launch: launch errors now, execution errors at the next synchronising call.
#define DETAUDIT_CHECK_LAUNCH(name) ::detaudit::kernels::cuda_detail::check(cudaGetLastError(), name)

// One device allocation, freed with the object (cudaFree errors at teardown are ignored: there is
// nothing left to report them to).
class DeviceMemory {
public:
    DeviceMemory() = default;
    explicit DeviceMemory(std::size_t bytes) { resize(bytes); }
    ~DeviceMemory() { release(); }
    DeviceMemory(const DeviceMemory&) = delete;
    DeviceMemory& operator=(const DeviceMemory&) = delete;
    DeviceMemory(DeviceMemory&& o) noexcept : m_ptr(o.m_ptr), m_bytes(o.m_bytes) { o.m_ptr = nullptr; o.m_bytes = 0; }
    DeviceMemory& operator=(DeviceMemory&&) = delete;
    // Frees the allocation now (the next resize allocates afresh).
    void reset() { release(); }
    void resize(std::size_t bytes) {
        if (bytes <= m_bytes) return;
        release();
        check(cudaMalloc(&m_ptr, bytes == 0 ? 1 : bytes), "cudaMalloc");
        m_bytes = bytes;
    }
    template <typename T = void> T* get() const { return static_cast<T*>(m_ptr); }
    std::size_t bytes() const { return m_bytes; }

private:
    void release() {
        if (m_ptr) cudaFree(m_ptr);
        m_ptr = nullptr;
        m_bytes = 0;
    }
    void* m_ptr = nullptr;
    std::size_t m_bytes = 0;
};

// Threads per block and blocks per grid for a grid-stride kernel over `work` items: the
// cuda.block_size / cuda.grid_size axis values when given, else 256 and enough blocks to cover the
// work, at most 8 per SM (a function of the op and the device only, so "auto" is reproducible on
// one GPU model).
struct Launch {
    int block = 256;
    int grid = 1;
};
inline Launch launch_for(const CudaLaunch& l, std::size_t work, int sm_count, int items_per_thread = 1) {
    Launch r;
    if (l.block_size > 0) r.block = l.block_size;
    if (l.grid_size > 0) {
        r.grid = l.grid_size;
        return r;
    }
    const std::size_t per_block = static_cast<std::size_t>(r.block) * static_cast<std::size_t>(items_per_thread);
    std::size_t g = (work + per_block - 1) / per_block;
    const std::size_t cap = static_cast<std::size_t>(sm_count > 0 ? sm_count : 1) * 8;
    if (g > cap) g = cap;
    r.grid = static_cast<int>(g < 1 ? 1 : g);
    return r;
}

} // namespace detaudit::kernels::cuda_detail
