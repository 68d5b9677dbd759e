// CudaDevice: device memory, streams, events and library handles for one op at a time, and the
// dispatch from (kind, algorithm) to the kernels of kernels/cuda. Timing is by CUDA events around
// the op's kernels only; uploads happen in prepare() and the copy back after the stop event.
#include <cstdlib>
#include <cstring>
#include <memory>
#include <vector>
#include "kernels/common/lane_sum.hpp"
#include "kernels_cuda.cuh"

namespace detaudit::kernels {
namespace cuda_detail {
namespace {

constexpr std::size_t k_cublas_workspace_bytes = std::size_t(32) << 20; // cuBLAS's advice for Hopper
constexpr int k_max_streams = 16;

std::size_t element_size(const CudaOp& op) { return op.f64 ? 8 : 4; }

std::string mib(std::size_t bytes) { return std::to_string((bytes + (1u << 20) - 1) >> 20) + " MiB"; }

std::string op_name(const CudaOp& op) {
    static const char* kinds[] = {"rng", "reduce", "matmul", "scatter_add", "elementwise"};
    return std::string(kinds[static_cast<int>(op.kind)]) + "/" + op.algorithm;
}

// The op's algorithm as its kind's enum (kernels/common/op_enums.hpp), found once per call;
// every choice after it is a switch.
template <typename Algorithm> Algorithm algorithm_of(const CudaOp& op) {
    const auto algorithm = algorithm_named<Algorithm>(op.algorithm);
    if (!algorithm) throw CudaFailure(op_name(op) + " has no CUDA kernel");
    return *algorithm;
}

bool is_cublas(const CudaOp& op) {
    return op.kind == CudaKind::matmul && algorithm_of<MatmulAlgorithm>(op) == MatmulAlgorithm::cublas;
}

// The parallel work items of the op's main kernel, for an "auto" grid.
std::size_t work_items(const CudaOp& op, int& items_per_thread) {
    items_per_thread = 1;
    switch (op.kind) {
    case CudaKind::rng:
        if (algorithm_of<RngAlgorithm>(op) == RngAlgorithm::philox && !op.f64 && op.distribution == Distribution::uniform)
            items_per_thread = 4;
        return op.n;
    case CudaKind::reduce:
        if (algorithm_of<ReduceAlgorithm>(op) == ReduceAlgorithm::blocked) { // 16 threads per chunk
            items_per_thread = 1;
            return (op.n + k_blocked_chunk - 1) / k_blocked_chunk * k_lanes;
        }
        if (algorithm_of<ReduceAlgorithm>(op) == ReduceAlgorithm::reproducible) items_per_thread = 8; // reduce_cuda.cu's tile
        return op.n;
    case CudaKind::matmul: return op.m * op.n;
    case CudaKind::scatter_add: return algorithm_of<ScatterAlgorithm>(op) == ScatterAlgorithm::atomic ? op.n : op.bins;
    case CudaKind::elementwise: return op.n;
    }
    return op.n;
}

template <typename T>
std::size_t scratch_bytes(const CudaOp& op, const Launch& l) {
    if (op.kind == CudaKind::reduce) return reduce_scratch_bytes<T>(algorithm_of<ReduceAlgorithm>(op), op.n, l);
    if (op.kind == CudaKind::scatter_add && algorithm_of<ScatterAlgorithm>(op) != ScatterAlgorithm::atomic)
        return scatter_sort_scratch_bytes<T>(op.n, op.bins);
    return 0;
}
std::size_t scratch_bytes_for(const CudaOp& op, const Launch& l) {
    return op.f64 ? scratch_bytes<double>(op, l) : scratch_bytes<float>(op, l);
}

} // namespace
} // namespace cuda_detail

using namespace cuda_detail;

struct CudaDevice::State {
    int sm_count = 1;
    std::vector<DeviceMemory> inputs;
    std::vector<DeviceMemory> outputs; // one per stream (cublas runs one GEMM per stream)
    DeviceMemory scratch, half_a, half_b, cublas_workspace;
    cublasHandle_t cublas = nullptr;
    bool shared_workspace = true; // false when CUBLAS_WORKSPACE_CONFIG is set (cuBLAS's own pool)
    std::unique_ptr<CurandDeviceGenerator> curand;
    std::vector<cudaStream_t> streams;
    std::vector<cudaEvent_t> stream_done;
    cudaEvent_t start = nullptr, stop = nullptr;
    bool prepared = false; // the last prepare completed: a half-prepared op must never run

    ~State() {
        if (cublas) cublasDestroy(cublas);
        curand.reset();
        for (auto e : stream_done) cudaEventDestroy(e);
        for (auto s : streams) cudaStreamDestroy(s);
        if (start) cudaEventDestroy(start);
        if (stop) cudaEventDestroy(stop);
    }
    void ensure_streams(int count) {
        while (static_cast<int>(streams.size()) < count) {
            cudaStream_t s;
            check(cudaStreamCreateWithFlags(&s, cudaStreamNonBlocking), "cudaStreamCreateWithFlags");
            streams.push_back(s);
            cudaEvent_t e;
            check(cudaEventCreateWithFlags(&e, cudaEventDisableTiming), "cudaEventCreateWithFlags");
            stream_done.push_back(e);
        }
    }
};

CudaDevice::CudaDevice() : m_state(std::make_unique<State>()) {
    check(cudaSetDevice(0), "cudaSetDevice");
    check(cudaDeviceGetAttribute(&m_state->sm_count, cudaDevAttrMultiProcessorCount, 0), "cudaDeviceGetAttribute");
    check(cudaEventCreate(&m_state->start), "cudaEventCreate");
    check(cudaEventCreate(&m_state->stop), "cudaEventCreate");
    m_state->ensure_streams(1);
}

CudaDevice::~CudaDevice() = default;

std::size_t CudaDevice::estimate_bytes(const CudaOp& op, std::size_t input_bytes, std::size_t output_bytes,
                                       int max_streams) const {
    int items = 1;
    const Launch l = launch_for(CudaLaunch{}, work_items(op, items), m_state->sm_count, items);
    std::size_t bytes = input_bytes + output_bytes + element_size(op) + scratch_bytes_for(op, l);
    if (is_cublas(op)) {
        bytes += k_cublas_workspace_bytes + static_cast<std::size_t>(max_streams - 1) * output_bytes;
        if (op.precision != CublasPrecision::same) bytes += (op.m * op.k + op.k * op.n) * 2;
    }
    return bytes;
}

void CudaDevice::prepare(const CudaOp& op, const std::vector<HostArray>& inputs, std::size_t output_bytes,
                         int max_streams) {
    State& st = *m_state;
    if (max_streams < 1 || max_streams > k_max_streams)
        throw CudaFailure("cuda.streams must be 1 to 16, got " + std::to_string(max_streams));
    st.prepared = false;
    // The previous op's memory goes first, so the estimate is against what this op can have.
    st.inputs.clear();
    st.outputs.clear();
    st.scratch.reset();
    st.half_a.reset();
    st.half_b.reset();
    st.curand.reset();

    std::size_t input_bytes = 0;
    for (const auto& in : inputs) input_bytes += in.bytes;
    const std::size_t needed = estimate_bytes(op, input_bytes, output_bytes, max_streams);
    std::size_t free_bytes = 0, total_bytes = 0;
    check(cudaMemGetInfo(&free_bytes, &total_bytes), "cudaMemGetInfo");
    // 5 % of the free memory is left for the libraries' own allocations (cuBLAS, cuRAND, CUB).
    if (needed > free_bytes / 20 * 19)
        throw CudaFailure(op_name(op) + " needs about " + mib(needed) + " of device memory (inputs, output and scratch) "
                          "but cudaMemGetInfo reports " + mib(free_bytes) + " free of " + mib(total_bytes) +
                          ": refused before allocating");

    for (const auto& in : inputs) {
        st.inputs.emplace_back(in.bytes);
        check(cudaMemcpy(st.inputs.back().get(), in.data, in.bytes, cudaMemcpyHostToDevice), "cudaMemcpy (input upload)");
    }
    // A pageable upload may return before its DMA ends, and the op's streams do not synchronise
    // with the legacy stream: wait here, before any kernel reads the inputs.
    check(cudaDeviceSynchronize(), "cudaDeviceSynchronize (input upload)");
    const int streams = is_cublas(op) ? max_streams : 1;
    st.ensure_streams(streams);
    // One spare element: cuRAND's normal generators need an even length.
    for (int s = 0; s < streams; ++s) st.outputs.emplace_back(output_bytes + element_size(op));
    int items = 1;
    const Launch l = launch_for(CudaLaunch{}, work_items(op, items), st.sm_count, items);
    st.scratch.resize(scratch_bytes_for(op, l));

    if (op.kind == CudaKind::rng && algorithm_of<RngAlgorithm>(op) == RngAlgorithm::curand) st.curand = std::make_unique<CurandDeviceGenerator>();
    if (is_cublas(op)) {
        if (!st.cublas) check(cublasCreate(&st.cublas), "cublasCreate");
        st.shared_workspace = std::getenv("CUBLAS_WORKSPACE_CONFIG") == nullptr;
        if (st.shared_workspace) st.cublas_workspace.resize(k_cublas_workspace_bytes);
        if (op.precision != CublasPrecision::same) {
            // The f16/bf16 copies are the op's inputs: converted once, not timed.
            st.half_a.resize(op.m * op.k * 2);
            st.half_b.resize(op.k * op.n * 2);
            convert_f32(st.inputs.at(0).get<float>(), st.half_a.get(), op.m * op.k, op.precision, st.streams[0]);
            convert_f32(st.inputs.at(1).get<float>(), st.half_b.get(), op.k * op.n, op.precision, st.streams[0]);
            check(cudaStreamSynchronize(st.streams[0]), "cudaStreamSynchronize (f16/bf16 conversion)");
        }
    }
    check(cudaDeviceSynchronize(), "cudaDeviceSynchronize (prepare)");
    st.prepared = true;
}

namespace {

template <typename T> void dispatch(const CudaOp& op, CudaDevice::State& st, const Launch& l, cudaStream_t s);

} // namespace

double CudaDevice::run(const CudaOp& op, const CudaLaunch& launch, void* out, std::size_t out_bytes) {
    State& st = *m_state;
    if (!st.prepared) throw CudaFailure(op_name(op) + ": not prepared (its prepare failed: see the first cell's error)");
    int items = 1;
    const Launch l = launch_for(launch, work_items(op, items), st.sm_count, items);
    st.scratch.resize(scratch_bytes_for(op, l)); // a launch axis may need more than "auto" did
    const cudaStream_t s0 = st.streams[0];
    const bool cublas = is_cublas(op);
    const int streams = cublas ? launch.streams : 1;
    if (streams < 1 || streams > k_max_streams)
        throw CudaFailure("cuda.streams must be 1 to 16, got " + std::to_string(streams));
    // More streams than prepared (a cuda.streams variant): their outputs are allocated here, untimed.
    st.ensure_streams(streams);
    while (static_cast<int>(st.outputs.size()) < streams) st.outputs.emplace_back(st.outputs[0].bytes());
    if (cublas) {
        // Host-side settings for stream 0 before the start event: the event times the GEMMs.
        set_cublas_math(st.cublas, op.math);
        check(cublasSetStream(st.cublas, s0), "cublasSetStream");
        if (st.shared_workspace)
            check(cublasSetWorkspace(st.cublas, st.cublas_workspace.get(), st.cublas_workspace.bytes()),
                  "cublasSetWorkspace");
    }
    check(cudaEventRecord(st.start, s0), "cudaEventRecord (start)");
    if (cublas) {
        const bool half = op.precision != CublasPrecision::same;
        const void* a = half ? st.half_a.get() : st.inputs.at(0).get();
        const void* b = half ? st.half_b.get() : st.inputs.at(1).get();
        for (int i = 0; i < streams; ++i) {
            if (i > 0) {
                check(cudaStreamWaitEvent(st.streams[i], st.start, 0), "cudaStreamWaitEvent");
                check(cublasSetStream(st.cublas, st.streams[i]), "cublasSetStream");
            }
            // cublasSetStream resets the workspace to cuBLAS's pool. Without CUBLAS_WORKSPACE_CONFIG
            // every stream is given the same one workspace back: the sharing cuBLAS's
            // reproducibility notes warn about. With it, cuBLAS's pool (sized by the variable, the
            // documented remedy) is left in place, so the variable has its effect.
            if (i > 0 && st.shared_workspace)
                check(cublasSetWorkspace(st.cublas, st.cublas_workspace.get(), st.cublas_workspace.bytes()),
                      "cublasSetWorkspace");
            matmul_cublas(st.cublas, op, a, b, st.outputs[static_cast<std::size_t>(i)].get());
        }
        for (int i = 1; i < streams; ++i) {
            check(cudaEventRecord(st.stream_done[static_cast<std::size_t>(i)], st.streams[i]), "cudaEventRecord");
            check(cudaStreamWaitEvent(s0, st.stream_done[static_cast<std::size_t>(i)], 0), "cudaStreamWaitEvent");
        }
    } else if (op.f64) {
        dispatch<double>(op, st, l, s0);
    } else {
        dispatch<float>(op, st, l, s0);
    }
    check(cudaEventRecord(st.stop, s0), "cudaEventRecord (stop)");
    check(cudaEventSynchronize(st.stop), "cudaEventSynchronize (the op's kernels)");
    float ms = 0;
    check(cudaEventElapsedTime(&ms, st.start, st.stop), "cudaEventElapsedTime");
    // The output is stream 0's (for cublas the other streams' GEMMs are the concurrent load).
    check(cudaMemcpy(out, st.outputs[0].get(), out_bytes, cudaMemcpyDeviceToHost), "cudaMemcpy (output)");
    return static_cast<double>(ms) / 1000.0;
}

namespace {

template <typename T> void dispatch(const CudaOp& op, CudaDevice::State& st, const Launch& l, cudaStream_t s) {
    T* out = st.outputs[0].get<T>();
    auto in = [&](std::size_t i) { return st.inputs.at(i).get<T>(); };
    switch (op.kind) {
    case CudaKind::rng:
        switch (algorithm_of<RngAlgorithm>(op)) {
        case RngAlgorithm::philox: return rng_philox<T>(op.distribution, op.seed, out, op.n, l, s);
        case RngAlgorithm::curand_kernel: return rng_curand_kernel<T>(op.distribution, op.seed, out, op.n, l, s);
        case RngAlgorithm::curand: {
            const bool pad = op.distribution == Distribution::normal && op.n % 2 == 1;
            if (!st.curand) throw CudaFailure(op_name(op) + ": no cuRAND generator (prepare failed)");
            return st.curand->generate<T>(op.distribution, op.seed, op.offset, out, op.n + (pad ? 1 : 0), s);
        }
        default: break;
        }
        break;
    case CudaKind::reduce:
        switch (algorithm_of<ReduceAlgorithm>(op)) {
        case ReduceAlgorithm::atomic: return reduce_atomic<T>(in(0), op.n, out, st.scratch.get(), l, s);
        case ReduceAlgorithm::tree: return reduce_tree<T>(in(0), op.n, out, st.scratch.get(), l, s);
        case ReduceAlgorithm::cub: return reduce_cub<T>(in(0), op.n, out, st.scratch.get(), st.scratch.bytes(), s);
        case ReduceAlgorithm::blocked: return reduce_blocked<T>(in(0), op.n, out, st.scratch.get(), l, s);
        case ReduceAlgorithm::reproducible: return reduce_reproducible<T>(in(0), op.n, out, st.scratch.get(), l, s);
        default: break;
        }
        break;
    case CudaKind::matmul:
        switch (algorithm_of<MatmulAlgorithm>(op)) {
        case MatmulAlgorithm::naive: return matmul_naive<T>(in(0), in(1), out, op.m, op.n, op.k, l, s);
        case MatmulAlgorithm::tiled: return matmul_tiled<T>(in(0), in(1), out, op.m, op.n, op.k, s);
        case MatmulAlgorithm::splitk_atomic: return matmul_splitk_atomic<T>(in(0), in(1), out, op.m, op.n, op.k, l, s);
        default: break;
        }
        break;
    case CudaKind::scatter_add: {
        const auto* index = st.inputs.at(1).get<int64_t>();
        const ScatterAlgorithm a = algorithm_of<ScatterAlgorithm>(op);
        if (a == ScatterAlgorithm::atomic) return scatter_add_atomic<T>(in(0), index, op.n, out, op.bins, l, s);
        if (a == ScatterAlgorithm::sorted || a == ScatterAlgorithm::reproducible)
            return scatter_add_sorted<T>(in(0), index, op.n, out, op.bins, st.scratch.get(), st.scratch.bytes(),
                                         a == ScatterAlgorithm::reproducible, l, s);
        break;
    }
    case CudaKind::elementwise: {
        const T* y = op.has_exponent ? in(1) : nullptr;
        switch (algorithm_of<ElementwiseAlgorithm>(op)) {
        case ElementwiseAlgorithm::libm: return elementwise_libm<T>(op.function, in(0), y, out, op.n, l, s);
        case ElementwiseAlgorithm::fast: return elementwise_fast<T>(op.function, in(0), y, out, op.n, l, s);
        }
        break;
    }
    }
    throw CudaFailure(op_name(op) + " has no CUDA kernel");
}

} // namespace

int cublas_library_version() {
    int major = 0, minor = 0, patch = 0;
    if (cublasGetProperty(MAJOR_VERSION, &major) != CUBLAS_STATUS_SUCCESS ||
        cublasGetProperty(MINOR_VERSION, &minor) != CUBLAS_STATUS_SUCCESS ||
        cublasGetProperty(PATCH_LEVEL, &patch) != CUBLAS_STATUS_SUCCESS)
        return 0;
    return major * 10000 + minor * 100 + patch;
}

} // namespace detaudit::kernels
