// Placeholder: the matmul kernel tests are being written.
