// The order of the `naive` (and `blocked`) matmul, shared by the CPU and GPU kernels: C[i,j] is one
// fused multiply-add chain over p = 0..k-1 in increasing order, starting from +0.
#pragma once
#include <cmath>
#include <cstddef>
#include "host_device.hpp"

namespace detaudit::kernels {

// One step of the chain: a*b + acc with a single rounding. Spelled ::fmaf / ::fma because those
// names are host functions in <cmath> and device functions under nvcc alike; GCC treats them as
// builtins, so a clone built for FMA hardware gets one vfmadd per step.
DETAUDIT_HD_HOT float matmul_step(float a, float b, float acc) {
    return ::fmaf(a, b, acc);
}
DETAUDIT_HD_HOT double matmul_step(double a, double b, double acc) {
    return ::fma(a, b, acc);
}

// The first accumulator value. +0 (not -0): fma(a, b, +0) turns an exact -0 product into +0,
// and every algorithm claiming naive's bits must start from the same value.
template <typename T> DETAUDIT_HD_HOT T matmul_start() {
    return T(0);
}

// C[i,j] for a row of A (unit stride) and a column of B (stride ldb between consecutive p).
template <typename T>
DETAUDIT_HD_HOT T naive_dot(const T* a_row, const T* b_col, std::size_t k, std::size_t ldb) {
    T acc = matmul_start<T>();
    for (std::size_t p = 0; p < k; ++p)
        acc = matmul_step(a_row[p], b_col[p * ldb], acc);
    return acc;
}

} // namespace detaudit::kernels
