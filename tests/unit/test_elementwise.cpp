// Placeholder: the elementwise kernel tests are being written.
