#include "inputs.hpp"
#include <algorithm>
#include <cmath>
#include <xxhash.h>
#include "catalog/catalog.hpp"
#include "kernels/common/philox.hpp"

namespace detaudit {
namespace {

using kernels::philox_block;

// A uniform double in (0, 1] from the stream position `draw` (words 2*draw and 2*draw + 1).
double uniform_at(uint64_t key, uint64_t draw) {
    const auto block = philox_block(key, draw >> 1);
    const uint32_t* w = block.v + 2 * (draw & 1);
    return kernels::uniform_f64(w[0], w[1]);
}

// A standard normal from the stream position `draw` (Box-Muller on two uniforms, first output).
double normal_at(uint64_t key, uint64_t draw) {
    const auto block = philox_block(key, draw);
    return kernels::box_muller_f64(block.v[0], block.v[1], block.v[2], block.v[3]).first;
}

// Inputs are generated a chunk of elements at a time, each chunk in parallel, so a stop request
// (Ctrl-C) is seen within a chunk's time (2^18 elements: a few ms on one core) rather than after
// the whole input (4 GiB: about a minute). Every element depends on its index only, so chunking
// changes no value. False when `stop` was set: the input is incomplete.
constexpr std::ptrdiff_t k_chunk = std::ptrdiff_t{1} << 18;

template <typename Body> bool in_chunks(std::ptrdiff_t count, const std::atomic<bool>* stop, Body&& body) {
    for (std::ptrdiff_t begin = 0; begin < count; begin += k_chunk) {
        if (stop && stop->load()) return false;
        body(begin, std::min(count, begin + k_chunk));
    }
    return true;
}

template <typename T>
bool fill(const nlohmann::json& input, uint64_t key, T* x, std::size_t n, const std::atomic<bool>* stop) {
    const std::string dist = input["distribution"];
    const auto count = static_cast<std::ptrdiff_t>(n);
    if (dist == "uniform") {
        const double low = input["low"], high = input["high"];
        return in_chunks(count, stop, [&](std::ptrdiff_t begin, std::ptrdiff_t end) {
#pragma omp parallel for schedule(static)
            for (std::ptrdiff_t i = begin; i < end; ++i)
                x[i] = static_cast<T>(low + (high - low) * uniform_at(key, static_cast<uint64_t>(i)));
        });
    }
    if (dist == "normal") {
        const double mean = input["mean"], stddev = input["stddev"];
        return in_chunks(count, stop, [&](std::ptrdiff_t begin, std::ptrdiff_t end) {
#pragma omp parallel for schedule(static)
            for (std::ptrdiff_t i = begin; i < end; ++i)
                x[i] = static_cast<T>(mean + stddev * normal_at(key, static_cast<uint64_t>(i)));
        });
    }
    // cancelling: pairs (big + small, -big), shuffled, so most of the sum cancels
    const double magnitude = input["magnitude"];
    const bool paired = in_chunks(count / 2, stop, [&](std::ptrdiff_t begin, std::ptrdiff_t end) {
#pragma omp parallel for schedule(static)
        for (std::ptrdiff_t j = begin; j < end; ++j) {
            const double big = magnitude * (2 * uniform_at(key, 2 * static_cast<uint64_t>(j)) - 1);
            const double small = 2 * uniform_at(key, 2 * static_cast<uint64_t>(j) + 1) - 1;
            x[2 * j] = static_cast<T>(big + small);
            x[2 * j + 1] = static_cast<T>(-big);
        }
    });
    if (!paired) return false;
    if (count % 2) x[count - 1] = static_cast<T>(2 * uniform_at(key, static_cast<uint64_t>(count)) - 1);
    // Fisher-Yates with an independent stream, so no order of additions is special: serial, from
    // the end, a chunk of swaps at a time.
    const uint64_t shuffle_key = key ^ 0x5DEECE66DULL;
    return in_chunks(count > 1 ? count - 1 : 0, stop, [&](std::ptrdiff_t begin, std::ptrdiff_t end) {
        for (std::ptrdiff_t k = begin; k < end; ++k) {
            const auto i = n - static_cast<std::size_t>(k); // n, n-1, ..., 2
            const auto block = philox_block(shuffle_key, i);
            const uint64_t r = (static_cast<uint64_t>(block.v[0]) << 32) | block.v[1];
            std::swap(x[i - 1], x[r % i]);
        }
    });
}

Buffer values(const nlohmann::json& distribution, uint64_t key, DType dtype, std::vector<std::size_t> shape,
              const std::atomic<bool>* stop) {
    Buffer b(dtype, std::move(shape));
    if (dtype == DType::f32) fill(distribution, key, b.as<float>(), b.elements(), stop);
    else fill(distribution, key, b.as<double>(), b.elements(), stop);
    return b;
}

// Bin indices: uniform over all bins, or `fraction` of them uniform over the first `hot_bins`.
Buffer indices(const nlohmann::json& distribution, uint64_t key, std::size_t n, uint64_t bins,
               const std::atomic<bool>* stop) {
    Buffer b(DType::i64, {n});
    int64_t* index = b.as<int64_t>();
    const bool hot = distribution["distribution"] == "hot";
    const double fraction = hot ? distribution["fraction"].get<double>() : 0.0;
    const uint64_t hot_bins = hot ? distribution["hot_bins"].get<uint64_t>() : bins;
    const auto count = static_cast<std::ptrdiff_t>(n);
    in_chunks(count, stop, [&](std::ptrdiff_t begin, std::ptrdiff_t end) {
#pragma omp parallel for schedule(static)
        for (std::ptrdiff_t i = begin; i < end; ++i) {
            const auto block = philox_block(key, static_cast<uint64_t>(i));
            const double pick = kernels::uniform_f64(block.v[0], block.v[1]);
            const double where = kernels::uniform_f64(block.v[2], block.v[3]);
            const uint64_t range = hot && pick <= fraction ? hot_bins : bins;
            const auto slot = static_cast<uint64_t>(where * static_cast<double>(range)); // where is in (0, 1]
            index[i] = static_cast<int64_t>(slot < range ? slot : range - 1);
        }
    });
    return b;
}

} // namespace

uint64_t input_key(const OpSpec& op, const std::string& input_name) {
    // Ops sharing a data name share their streams (scenario/shared_data.cpp checks they match).
    const std::string stream = (op.data.empty() ? op.id : "data:" + op.data) + "/" + input_name;
    return XXH3_64bits_withSeed(stream.data(), stream.size(), op.seed);
}

std::vector<std::string> input_names(const OpSpec& op) {
    if (op.kind == "reduce") return {"x"};
    if (op.kind == "matmul") return {"a", "b"};
    if (op.kind == "scatter_add") return {"values", "index"};
    if (op.kind == "elementwise") return op.params.contains("exponent") ? std::vector<std::string>{"x", "y"}
                                                                       : std::vector<std::string>{"x"};
    return {};
}

OpInputs generate_inputs(const OpSpec& op, const std::atomic<bool>* stop) {
    OpInputs inputs;
    const auto& p = op.params;
    const DType dtype = output_dtype(op.kind, p);
    if (op.kind == "reduce") {
        inputs.buffers.push_back(values(p["input"], input_key(op, "x"), dtype, {p["n"].get<std::size_t>()}, stop));
    } else if (op.kind == "matmul") {
        const std::size_t m = p["m"], n = p["n"], k = p["k"];
        inputs.buffers.push_back(values(p["input"], input_key(op, "a"), dtype, {m, k}, stop));
        inputs.buffers.push_back(values(p["input"], input_key(op, "b"), dtype, {k, n}, stop));
    } else if (op.kind == "scatter_add") {
        const std::size_t n = p["n"];
        inputs.buffers.push_back(values(p["input"], input_key(op, "values"), dtype, {n}, stop));
        inputs.buffers.push_back(indices(p["index"], input_key(op, "index"), n, p["bins"].get<uint64_t>(), stop));
    } else if (op.kind == "elementwise") {
        const std::size_t n = p["n"];
        inputs.buffers.push_back(values(p["input"], input_key(op, "x"), dtype, {n}, stop));
        if (p.contains("exponent")) inputs.buffers.push_back(values(p["exponent"], input_key(op, "y"), dtype, {n}, stop));
    }
    return inputs;
}

} // namespace detaudit
