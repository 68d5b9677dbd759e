#include "inputs.hpp"
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

template <typename T> void fill(const nlohmann::json& input, uint64_t key, T* x, std::size_t n) {
    const std::string dist = input["distribution"];
    const auto count = static_cast<std::ptrdiff_t>(n);
    if (dist == "uniform") {
        const double low = input["low"], high = input["high"];
#pragma omp parallel for schedule(static)
        for (std::ptrdiff_t i = 0; i < count; ++i)
            x[i] = static_cast<T>(low + (high - low) * uniform_at(key, static_cast<uint64_t>(i)));
    } else if (dist == "normal") {
        const double mean = input["mean"], stddev = input["stddev"];
#pragma omp parallel for schedule(static)
        for (std::ptrdiff_t i = 0; i < count; ++i)
            x[i] = static_cast<T>(mean + stddev * normal_at(key, static_cast<uint64_t>(i)));
    } else { // cancelling: pairs (big + small, -big), shuffled, so most of the sum cancels
        const double magnitude = input["magnitude"];
        const auto pairs = count / 2;
#pragma omp parallel for schedule(static)
        for (std::ptrdiff_t j = 0; j < pairs; ++j) {
            const double big = magnitude * (2 * uniform_at(key, 2 * static_cast<uint64_t>(j)) - 1);
            const double small = 2 * uniform_at(key, 2 * static_cast<uint64_t>(j) + 1) - 1;
            x[2 * j] = static_cast<T>(big + small);
            x[2 * j + 1] = static_cast<T>(-big);
        }
        if (count % 2) x[count - 1] = static_cast<T>(2 * uniform_at(key, static_cast<uint64_t>(count)) - 1);
        // Fisher-Yates with an independent stream, so no order of additions is special.
        const uint64_t shuffle_key = key ^ 0x5DEECE66DULL;
        for (std::size_t i = n; i > 1; --i) {
            const auto block = philox_block(shuffle_key, i);
            const uint64_t r = (static_cast<uint64_t>(block.v[0]) << 32) | block.v[1];
            std::swap(x[i - 1], x[r % i]);
        }
    }
}

} // namespace

uint64_t input_key(const OpSpec& op) { return XXH3_64bits_withSeed(op.id.data(), op.id.size(), op.seed); }

std::vector<std::string> input_names(const OpSpec& op) {
    if (op.kind == "reduce") return {"x"};
    return {};
}

OpInputs generate_inputs(const OpSpec& op) {
    OpInputs inputs;
    if (op.kind == "reduce") {
        const DType dtype = output_dtype(op.kind, op.params);
        const std::size_t n = op.params["n"];
        Buffer x(dtype, {n});
        if (dtype == DType::f32) fill(op.params["input"], input_key(op), x.as<float>(), n);
        else fill(op.params["input"], input_key(op), x.as<double>(), n);
        inputs.buffers.push_back(std::move(x));
    }
    return inputs;
}

} // namespace detaudit
