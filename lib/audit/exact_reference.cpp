#include "exact_reference.hpp"
#include <memory>
#include <vector>
#include "catalog/catalog.hpp"
#include "common/error.hpp"
#include "kernels/common/exact_dot.hpp"
#include "kernels/common/exact_sum.hpp"
#include "mpfr_reference.hpp"

namespace detaudit {
namespace {

using namespace kernels;

template <typename T> void reduce_reference(const Buffer& x, Buffer& out) {
    auto acc = std::make_unique<ExactSum<T>>();
    out.as<T>()[0] = exact_sum(x.as<T>(), x.elements(), *acc);
}

// Values grouped by bin (a counting sort: the order within a bin cannot change an exact sum),
// then one exact sum per bin through one accumulator.
template <typename T> void scatter_reference(const Buffer& values, const Buffer& index, Buffer& out) {
    const std::size_t n = values.elements(), bins = out.elements();
    const T* v = values.as<T>();
    const int64_t* idx = index.as<int64_t>();
    std::vector<std::size_t> start(bins + 1, 0);
    for (std::size_t i = 0; i < n; ++i) ++start[static_cast<std::size_t>(idx[i]) + 1];
    for (std::size_t b = 0; b < bins; ++b) start[b + 1] += start[b];
    std::vector<T> grouped(n);
    std::vector<std::size_t> next(start.begin(), start.end() - 1);
    for (std::size_t i = 0; i < n; ++i) grouped[next[static_cast<std::size_t>(idx[i])]++] = v[i];
    auto acc = std::make_unique<ExactSum<T>>();
    exact_clear(*acc);
    T* o = out.as<T>();
    for (std::size_t b = 0; b < bins; ++b) {
        exact_reset(*acc);
        for (std::size_t i = start[b]; i < start[b + 1]; ++i) exact_deposit(*acc, grouped[i]);
        // An empty bin holds +0, as every scatter algorithm leaves it.
        o[b] = exact_round<T>(*acc);
    }
}

// C = A·B with B transposed first (contiguous columns); rows of C split over threads, each with
// its own accumulator.
template <typename T> void matmul_reference(const Buffer& a, const Buffer& b, Buffer& out) {
    const std::size_t m = a.shape()[0], k = a.shape()[1], n = b.shape()[1];
    std::vector<T> bt(k * n);
    for (std::size_t r = 0; r < k; ++r)
        for (std::size_t c = 0; c < n; ++c) bt[c * k + r] = b.as<T>()[r * n + c];
    const T* pa = a.as<T>();
    T* pc = out.as<T>();
#pragma omp parallel
    {
        auto acc = std::make_unique<ExactDot<T>>();
        exact_clear(*acc);
#pragma omp for schedule(dynamic, 4)
        for (std::size_t i = 0; i < m; ++i)
            for (std::size_t j = 0; j < n; ++j) pc[i * n + j] = exact_dot(pa + i * k, 1, bt.data() + j * k, 1, k, *acc);
    }
}

template <typename T> void fill_reference(const OpSpec& op, const OpInputs& inputs, Buffer& out) {
    const auto& in = inputs.buffers;
    if (op.kind == "reduce") return reduce_reference<T>(in.at(0), out);
    if (op.kind == "scatter_add") return scatter_reference<T>(in.at(0), in.at(1), out);
    if (op.kind == "matmul") return matmul_reference<T>(in.at(0), in.at(1), out);
    if (op.kind == "elementwise") return elementwise_reference(op.params.at("function").get<std::string>(), in, out);
    throw Error(ErrorKind::runtime, "accuracy has no reference for " + op.kind);
}

} // namespace

Buffer exact_reference(const OpSpec& op, const OpInputs& inputs) {
    Buffer out(output_dtype(op.kind, op.params), output_shape(op.kind, op.params));
    if (out.dtype() == DType::f32) fill_reference<float>(op, inputs, out);
    else if (out.dtype() == DType::f64) fill_reference<double>(op, inputs, out);
    else throw Error(ErrorKind::runtime, "accuracy has no reference for " + op.kind + " of " + std::string(dtype_name(out.dtype())));
    return out;
}

} // namespace detaudit
