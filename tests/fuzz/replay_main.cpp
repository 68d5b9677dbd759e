// Replays files through the fuzz target's function without libFuzzer, so CTest exercises the
// committed corpus with any compiler (and under ASan/UBSan in the asan preset):
//   npy_corpus_replay DIR_OR_FILE...
// Exit 0 when every file was handled (parsed, or refused with a detaudit::Error); a crash, a
// sanitizer report or another exception fails the test.
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size);

int main(int argc, char** argv) {
    namespace fs = std::filesystem;
    std::size_t files = 0;
    for (int i = 1; i < argc; ++i) {
        std::vector<fs::path> paths;
        if (fs::is_directory(argv[i])) {
            for (const auto& entry : fs::recursive_directory_iterator(argv[i]))
                if (entry.is_regular_file()) paths.push_back(entry.path());
        } else if (fs::is_regular_file(argv[i])) {
            paths.push_back(argv[i]);
        } else {
            std::fprintf(stderr, "npy_corpus_replay: %s: no such file or directory\n", argv[i]);
            return 2;
        }
        for (const fs::path& p : paths) {
            std::ifstream in(p, std::ios::binary);
            const std::vector<char> chars((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
            LLVMFuzzerTestOneInput(reinterpret_cast<const uint8_t*>(chars.data()), chars.size());
            ++files;
        }
    }
    std::printf("npy_corpus_replay: %zu files, every one parsed or refused with a detaudit::Error\n", files);
    // An empty corpus would make this test pass without testing anything.
    return files > 0 ? 0 : 1;
}
