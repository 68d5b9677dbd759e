// Implemented by the matmul kernels work (placeholder so the tree builds).
