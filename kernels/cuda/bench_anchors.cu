// Anchors for bench/bench_cuda.cpp, timed with CUDA events like CudaDevice::run: a device-to-
// device copy (what the memory system sustains) and a bare cublasSgemm (what cuBLAS does with no
// detaudit code around it).
#include "kernels_cuda.cuh"

namespace detaudit::kernels {

using namespace cuda_detail;

namespace {

template <typename F> double min_event_seconds(int repeats, F&& f) {
    cudaEvent_t start, stop;
    check(cudaEventCreate(&start), "cudaEventCreate");
    check(cudaEventCreate(&stop), "cudaEventCreate");
    double best = 1e30;
    for (int r = 0; r <= repeats; ++r) { // round 0 is the warm-up
        check(cudaEventRecord(start), "cudaEventRecord");
        f();
        check(cudaEventRecord(stop), "cudaEventRecord");
        check(cudaEventSynchronize(stop), "cudaEventSynchronize");
        float ms = 0;
        check(cudaEventElapsedTime(&ms, start, stop), "cudaEventElapsedTime");
        if (r > 0 && ms / 1000.0 < best) best = ms / 1000.0;
    }
    cudaEventDestroy(start);
    cudaEventDestroy(stop);
    return best;
}

} // namespace

double anchor_copy_seconds(std::size_t bytes, int repeats) {
    DeviceMemory a(bytes), b(bytes);
    check(cudaMemset(a.get(), 0x3c, bytes), "cudaMemset");
    return min_event_seconds(repeats, [&] {
        check(cudaMemcpyAsync(b.get(), a.get(), bytes, cudaMemcpyDeviceToDevice, nullptr), "cudaMemcpyAsync");
    });
}

double anchor_sgemm_seconds(int m, int n, int k, int repeats) {
    DeviceMemory a(std::size_t(m) * k * 4), b(std::size_t(k) * n * 4), c(std::size_t(m) * n * 4);
    check(cudaMemset(a.get(), 0x3c, a.bytes()), "cudaMemset"); // 0x3c3c3c3c ~ 0.0115f
    check(cudaMemset(b.get(), 0x3c, b.bytes()), "cudaMemset");
    cublasHandle_t handle;
    check(cublasCreate(&handle), "cublasCreate");
    const float alpha = 1.0f, beta = 0.0f;
    double t = 0;
    try {
        t = min_event_seconds(repeats, [&] {
            check(cublasSgemm(handle, CUBLAS_OP_N, CUBLAS_OP_N, n, m, k, &alpha, b.get<float>(), n, a.get<float>(), k,
                              &beta, c.get<float>(), n),
                  "cublasSgemm");
        });
    } catch (...) {
        cublasDestroy(handle);
        throw;
    }
    cublasDestroy(handle);
    return t;
}

} // namespace detaudit::kernels
