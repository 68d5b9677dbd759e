// Placeholder: the matmul benchmark is being written.
int main() { return 0; }
