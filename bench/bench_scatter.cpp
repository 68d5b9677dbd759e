// Placeholder: the scatter benchmark is being written.
int main() { return 0; }
