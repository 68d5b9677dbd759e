// Placeholder: the scatter kernel tests are being written.
