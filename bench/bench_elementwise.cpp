// Placeholder: the elementwise benchmark is being written.
int main() { return 0; }
