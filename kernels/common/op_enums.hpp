// Enums that name what an op computes, shared by kernels/cpu and kernels/cuda (neither includes
// the other: CUTLASS-style mirrors meet only in kernels/common). Each algorithm enum lists the
// catalog's algorithms of its kind (lib/catalog/catalog.cpp) by the same names; a backend turns
// the op's algorithm name into its enum once per cell and switches on it.
#pragma once
#include <cstddef>
#include <optional>
#include <string_view>

namespace detaudit::kernels {

enum class Distribution { uniform, normal };

enum class ElementwiseFunction { exp, log, log1p, expm1, sin, cos, tan, tanh, erf, pow, sqrt, rsqrt, sigmoid, gelu };

enum class RngAlgorithm { philox, shared_state, curand, curand_kernel };
enum class ReduceAlgorithm { sequential, pairwise, kahan, blocked, per_thread, atomic, tree, cub, reproducible };
enum class MatmulAlgorithm { naive, tiled, blocked, splitk_atomic, cublas, blas };
enum class ScatterAlgorithm { atomic, per_thread, sorted, reproducible };
enum class ElementwiseAlgorithm { libm, fast };

// Each algorithm enum's names, in enum order.
template <typename Algorithm> struct AlgorithmNames;
template <> struct AlgorithmNames<RngAlgorithm> {
    static constexpr std::string_view names[] = {"philox", "shared_state", "curand", "curand_kernel"};
};
template <> struct AlgorithmNames<ReduceAlgorithm> {
    static constexpr std::string_view names[] = {"sequential", "pairwise", "kahan", "blocked", "per_thread",
                                                 "atomic",     "tree",     "cub",   "reproducible"};
};
template <> struct AlgorithmNames<MatmulAlgorithm> {
    static constexpr std::string_view names[] = {"naive", "tiled", "blocked", "splitk_atomic", "cublas", "blas"};
};
template <> struct AlgorithmNames<ScatterAlgorithm> {
    static constexpr std::string_view names[] = {"atomic", "per_thread", "sorted", "reproducible"};
};
template <> struct AlgorithmNames<ElementwiseAlgorithm> {
    static constexpr std::string_view names[] = {"libm", "fast"};
};

// The algorithm of that name, or nullopt when the enum has none (a newer catalog entry).
template <typename Algorithm> std::optional<Algorithm> algorithm_named(std::string_view name) {
    const auto& names = AlgorithmNames<Algorithm>::names;
    for (std::size_t i = 0; i < sizeof names / sizeof names[0]; ++i)
        if (names[i] == name) return static_cast<Algorithm>(i);
    return std::nullopt;
}

} // namespace detaudit::kernels
