// DETAUDIT_HD marks arithmetic shared by the CPU and the GPU: __host__ __device__ under nvcc,
// nothing in plain C++.
#pragma once
#if defined(__CUDACC__)
#define DETAUDIT_HD __host__ __device__ __forceinline__
#else
#define DETAUDIT_HD inline
#endif
