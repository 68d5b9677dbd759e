// Implemented by the elementwise kernels work (placeholder so the tree builds).
