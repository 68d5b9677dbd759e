// CPU `elementwise` op, algorithm `libm`: each element through the host C library's function.
// Elements are independent, so any thread count gives the same bits as one thread.
#include "elementwise_cpu.hpp"
#include "../common/elementwise_math.hpp"
#include <array>
#include <stdexcept>
#include <string>

namespace detaudit::kernels {
namespace {

// Indexed by the enum's value; the order of the declaration.
constexpr std::array<std::string_view, 14> k_names = {"exp",  "log",   "log1p",   "expm1", "sin",
                                                      "cos",  "tan",   "tanh",    "erf",   "pow",
                                                      "sqrt", "rsqrt", "sigmoid", "gelu"};
static_assert(static_cast<std::size_t>(ElementwiseFunction::gelu) + 1 == k_names.size(),
              "one name per ElementwiseFunction, in declaration order");

// One loop per function with the function known at compile time: the switch is taken once per
// call, not once per element, and the call (or the inlined arithmetic) sits alone in the loop, as
// in a hand-written loop over libm. schedule(static) whatever the cpu.schedule axis says: the
// split cannot change any element, and static has the least overhead.
template <typename T, typename F>
void map_unary(const T* x, T* out, std::size_t n, int threads, F f) {
#pragma omp parallel for schedule(static) num_threads(threads)
    for (std::size_t i = 0; i < n; ++i)
        out[i] = f(x[i]);
}

template <typename T, typename F>
void map_binary(const T* x, const T* y, T* out, std::size_t n, int threads, F f) {
#pragma omp parallel for schedule(static) num_threads(threads)
    for (std::size_t i = 0; i < n; ++i)
        out[i] = f(x[i], y[i]);
}

} // namespace

std::optional<ElementwiseFunction> parse_elementwise_function(std::string_view name) {
    for (std::size_t i = 0; i < k_names.size(); ++i)
        if (k_names[i] == name) return static_cast<ElementwiseFunction>(i);
    return std::nullopt;
}

std::string_view elementwise_function_name(ElementwiseFunction f) {
    return k_names.at(static_cast<std::size_t>(f));
}

const std::vector<std::string_view>& elementwise_function_names() {
    static const std::vector<std::string_view> names(k_names.begin(), k_names.end());
    return names;
}

template <typename T>
void elementwise_libm(ElementwiseFunction f, const T* x, const T* y, T* out, std::size_t n,
                      const CpuSettings& s) {
    namespace m = elementwise_math;
    const int t = s.threads;
    // Lambdas, not function pointers, so each loop gets its own inlined body.
    switch (f) {
    case ElementwiseFunction::exp:
        return map_unary(x, out, n, t, [](T v) { return m::exp(v); });
    case ElementwiseFunction::log:
        return map_unary(x, out, n, t, [](T v) { return m::log(v); });
    case ElementwiseFunction::log1p:
        return map_unary(x, out, n, t, [](T v) { return m::log1p(v); });
    case ElementwiseFunction::expm1:
        return map_unary(x, out, n, t, [](T v) { return m::expm1(v); });
    case ElementwiseFunction::sin:
        return map_unary(x, out, n, t, [](T v) { return m::sin(v); });
    case ElementwiseFunction::cos:
        return map_unary(x, out, n, t, [](T v) { return m::cos(v); });
    case ElementwiseFunction::tan:
        return map_unary(x, out, n, t, [](T v) { return m::tan(v); });
    case ElementwiseFunction::tanh:
        return map_unary(x, out, n, t, [](T v) { return m::tanh(v); });
    case ElementwiseFunction::erf:
        return map_unary(x, out, n, t, [](T v) { return m::erf(v); });
    case ElementwiseFunction::pow:
        // A null exponent array is a caller's bug (the op's validation supplies y for pow), not
        // something to guess a meaning for.
        if (y == nullptr && n > 0)
            throw std::invalid_argument("elementwise pow needs the exponent array y");
        return map_binary(x, y, out, n, t, [](T a, T b) { return m::pow(a, b); });
    case ElementwiseFunction::sqrt:
        return map_unary(x, out, n, t, [](T v) { return m::sqrt(v); });
    case ElementwiseFunction::rsqrt:
        return map_unary(x, out, n, t, [](T v) { return m::rsqrt(v); });
    case ElementwiseFunction::sigmoid:
        return map_unary(x, out, n, t, [](T v) { return m::sigmoid(v); });
    case ElementwiseFunction::gelu:
        return map_unary(x, out, n, t, [](T v) { return m::gelu(v); });
    }
    throw std::invalid_argument("elementwise: unknown function value " +
                                std::to_string(static_cast<int>(f)));
}

template void elementwise_libm<float>(ElementwiseFunction, const float*, const float*, float*,
                                      std::size_t, const CpuSettings&);
template void elementwise_libm<double>(ElementwiseFunction, const double*, const double*, double*,
                                       std::size_t, const CpuSettings&);

} // namespace detaudit::kernels
