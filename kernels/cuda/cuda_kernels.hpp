// The plain C++ face of the CUDA code: host types only, so nothing outside kernels/cuda is ever
// compiled by nvcc or sees a CUDA header.
#pragma once
#include <cstddef>
#include <cstdint>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>
#include "kernels/common/op_enums.hpp" // Distribution, ElementwiseFunction: shared with the CPU kernels

namespace detaudit::kernels {

// A failed CUDA, cuBLAS or cuRAND call: "<call>: <the library's message>". kernels/ cannot see
// detaudit::Error (lib/ depends on kernels/, not the reverse); the backends turn this into a
// runtime Error, which the runner records as a cell error (exit 4).
class CudaFailure : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

struct CudaProbeResult {
    bool available = false;
    std::string reason;          // the runtime's own words when unavailable
    int runtime_version = 0;     // e.g. 13000
    int driver_version = 0;      // 0 when no driver is installed
    std::string device_name;
    int compute_major = 0, compute_minor = 0;
    int sm_count = 0;
    std::size_t memory_bytes = 0;
    int clock_khz = 0, memory_clock_khz = 0;
    int memory_bus_bits = 0;
    bool ecc = false;
    // "enabled" / "disabled" from NVML when libnvidia-ml can be loaded, else "unknown".
    std::string mig = "unknown";
};

// Asks the CUDA runtime for device 0; never throws or aborts.
CudaProbeResult cuda_probe();

// cuBLAS's version from cublasGetProperty (major * 10000 + minor * 100 + patch), 0 if it fails.
// Needs no GPU.
int cublas_library_version();

// The launch axes of one cell: cuda.block_size, cuda.grid_size (0 = "auto") and cuda.streams.
struct CudaLaunch {
    int block_size = 0;
    int grid_size = 0;
    int streams = 1;
};

enum class CudaKind { rng, reduce, matmul, scatter_add, elementwise };
enum class CublasMath { default_math, tf32, pedantic };
enum class CublasPrecision { same, f16, bf16 };

// One operation in host types: the adapter (lib/backends/cuda_backend.cpp) fills it from the
// normalised parameters.
struct CudaOp {
    CudaKind kind = CudaKind::reduce;
    std::string algorithm;
    bool f64 = false;
    std::size_t n = 0;            // rng: count; reduce, scatter_add, elementwise: n; matmul: columns
    std::size_t m = 0, k = 0;     // matmul
    std::size_t bins = 0;         // scatter_add
    Distribution distribution = Distribution::uniform; // rng
    uint64_t seed = 0, offset = 0;                     // rng
    ElementwiseFunction function = ElementwiseFunction::exp;
    bool has_exponent = false;                         // elementwise pow
    CublasMath math = CublasMath::default_math;
    CublasPrecision precision = CublasPrecision::same;
};

// One host array handed to the device (an op input).
struct HostArray {
    const void* data = nullptr;
    std::size_t bytes = 0;
};

// Device 0 and everything one op keeps there between runs: inputs, output, scratch, the cuBLAS
// handle and streams, the cuRAND generator. All allocation happens in prepare(), after the
// estimate has been checked against cudaMemGetInfo; run() only launches, times and copies back.
class CudaDevice {
public:
    CudaDevice();
    ~CudaDevice();
    CudaDevice(const CudaDevice&) = delete;
    CudaDevice& operator=(const CudaDevice&) = delete;

    // Releases the previous op's memory, estimates what `op` needs (inputs, output, scratch for
    // its algorithm and `max_streams`), refuses with a CudaFailure when it exceeds the free device
    // memory, then allocates and uploads the inputs.
    void prepare(const CudaOp& op, const std::vector<HostArray>& inputs, std::size_t output_bytes, int max_streams);
    // One run of the prepared op: its kernels between two CUDA events, then the output copied to
    // `out` (`out_bytes`, the output's size). Returns the event time in seconds.
    double run(const CudaOp& op, const CudaLaunch& launch, void* out, std::size_t out_bytes);
    // The bytes prepare() would allocate for `op` (what the refusal message quotes).
    std::size_t estimate_bytes(const CudaOp& op, std::size_t input_bytes, std::size_t output_bytes, int max_streams) const;

    struct State;

private:
    std::unique_ptr<State> m_state;
};

// Benchmark anchors (bench/bench_cuda.cpp), fastest of `repeats` event-timed rounds after a
// warm-up: one device-to-device copy of `bytes` (reads and writes `bytes` each), and a bare
// cublasSgemm of the row-major m×n×k product on a fresh handle.
double anchor_copy_seconds(std::size_t bytes, int repeats);
double anchor_sgemm_seconds(int m, int n, int k, int repeats);

// `rng`/`curand` on the cpu backend: cuRAND's host generator (curandCreateGeneratorHost,
// CURAND_RNG_PSEUDO_PHILOX4_32_10, default ordering), which runs in libcurand on the CPU and
// needs no GPU or driver. `offset` is curandSetGeneratorOffset's: 32-bit words of the generator's
// stream skipped before the first value. Throws CudaFailure when a cuRAND call fails.
template <typename T>
void rng_curand_host(Distribution distribution, uint64_t seed, uint64_t offset, T* out, std::size_t count);

// cuRAND's version (curandGetVersion, e.g. 10400), 0 if the call fails. Needs no GPU.
int curand_library_version();

} // namespace detaudit::kernels
