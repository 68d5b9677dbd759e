// DETAUDIT_HD marks arithmetic shared by the CPU and the GPU: __host__ __device__ under nvcc,
// nothing in plain C++.
#pragma once
#if defined(__CUDACC__)
#define DETAUDIT_HD __host__ __device__ __forceinline__
#define DETAUDIT_HD_HOT __host__ __device__ __forceinline__
#elif defined(__GNUC__)
#define DETAUDIT_HD inline
// Hot leaf functions must be inlined into the per-ISA clones of kernels/cpu (GCC does not inline
// a default-target function into an arch=x86-64-v4 caller unless told to).
#define DETAUDIT_HD_HOT inline __attribute__((always_inline))
#else
#define DETAUDIT_HD inline
#define DETAUDIT_HD_HOT inline
#endif
