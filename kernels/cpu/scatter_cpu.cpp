// Implemented by the scatter kernels work (placeholder so the tree builds).
