// `detaudit compare` on two 1 GiB f32 .npy files (compare_array_files: read both, compare) against
// `cmp` on the same files, in the same process and interleaved rounds, files in the page cache.
#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <string>
#include <vector>

#include "bench_harness.hpp"
#include "common/buffer.hpp"
#include "compare/array_files.hpp"
#include "io/npy_writer.hpp"

extern char** environ;

namespace {

using namespace detaudit;
using namespace detaudit::bench;
namespace fs = std::filesystem;

// Runs `argv` (searched on PATH) with stdout to `out` and returns its exit status; 0 and 1 are
// cmp's "same" and "differ", anything else is a failure the benchmark reports. Not /dev/null:
// GNU cmp notices it and stops at the first difference, as with -s.
int run_to_file(const std::vector<std::string>& argv, const std::string& out) {
    std::vector<char*> args;
    for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    pid_t pid = 0;
    const int rc = posix_spawnp(&pid, args[0], &actions, nullptr, args.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    if (rc != 0) return -1;
    int status = 0;
    if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status)) return -1;
    return WEXITSTATUS(status);
}

// Options as the harness parses them, but 1 GiB (2^28 f32) unless --log2n says otherwise.
Options options(int argc, char** argv) {
    bool size_given = false;
    for (int i = 1; i < argc; ++i) size_given = size_given || std::string_view(argv[i]) == "--log2n";
    Options o = parse_options(argc, argv, "detaudit compare's read + compare path against cmp, two f32 .npy files");
    if (!size_given) o.log2_n = 28;
    if (o.repeats == Options{}.repeats) o.repeats = 5; // 2 GiB a round: fewer rounds than the in-memory benchmarks
    return o;
}

} // namespace

int main(int argc, char** argv) {
    const Options o = options(argc, argv);
    print_header("compare of two .npy files (compare_array_files) vs cmp", o);
    const std::size_t n = std::size_t{1} << o.log2_n;
    const fs::path dir = fs::temp_directory_path() / ("detaudit-bench-compare-" + std::to_string(::getpid()));
    const double file_bytes = static_cast<double>(n * sizeof(float) + 128);

    // Three files (a, an identical copy, a copy with a few differing elements) must fit.
    std::error_code ec;
    fs::create_directories(dir, ec);
    const auto space = fs::space(dir, ec);
    if (ec || static_cast<double>(space.available) < 3.2 * file_bytes) {
        std::printf("SKIP: %s has %.1f GB free, the benchmark needs %.1f GB\n", dir.c_str(),
                    ec ? 0.0 : static_cast<double>(space.available) / 1e9, 3.2 * file_bytes / 1e9);
        fs::remove_all(dir, ec);
        return 0;
    }
    const std::string a = (dir / "a.npy").string(), same = (dir / "same.npy").string(),
                      diff = (dir / "diff.npy").string();
    constexpr std::size_t k_differing = 5;
    {
        Buffer b(DType::f32, {n});
        float* x = b.as<float>();
        uint32_t state = 12345;
        for (std::size_t i = 0; i < n; ++i) {
            state = state * 1664525u + 1013904223u; // LCG: values in [-1, 1), no NaN
            x[i] = static_cast<float>(static_cast<int32_t>(state)) * 0x1p-31f;
        }
        write_npy(a, b);
        write_npy(same, b);
        // A few elements 1 ULP up, spread from the start to the last element.
        for (std::size_t k = 0; k < k_differing; ++k) {
            const std::size_t i = k * (n - 1) / (k_differing - 1);
            x[i] = std::nextafter(x[i], 2.0f);
        }
        write_npy(diff, b);
    }
    std::printf("files: 3 x %.2f GiB f32 .npy (n = 2^%d) in %s\n", file_bytes / (1u << 30), o.log2_n, dir.c_str());

    bool ok = true;
    const std::string cmp_out = (dir / "cmp.out").string();
    const auto cmp_case = [&](std::vector<std::string> argv, int expected) {
        return [argv = std::move(argv), expected, &ok, &cmp_out] {
            if (run_to_file(argv, cmp_out) != expected) ok = false;
        };
    };
    const auto lib_case = [&](const std::string& other, std::size_t expected_differing) {
        return [&ok, &a, other, expected_differing] {
            const ArrayFilesComparison c = compare_array_files(a, other, {});
            if (c.arrays.size() != 1 || c.arrays[0].diff.differing_elements != expected_differing) ok = false;
        };
    };
    Suite suite(o.repeats);
    // Plain cmp stops at the first difference; `cmp -l` lists every differing byte, so it reads
    // both files to the end, as detaudit compare does. Each anchor is measured on the same files.
    const auto cmp_same = suite.add("cmp, identical", cmp_case({"cmp", a, same}, 0));
    const auto lib_same = suite.add("compare_array_files, identical", lib_case(same, 0));
    const auto cmp_diff = suite.add("cmp -l, differing", cmp_case({"cmp", "-l", a, diff}, 1));
    const auto lib_diff = suite.add("compare_array_files, differing", lib_case(diff, k_differing));
    suite.run(); // the warm-up round reads every file once: the timed rounds read the page cache
    fs::remove_all(dir, ec);
    if (!ok) {
        std::printf("ERROR: a comparison gave the wrong answer (or cmp could not be run)\n");
        return 1;
    }

    Scoreboard board;
    const double read_bytes = 2 * file_bytes; // both files, for cmp and for detaudit alike
    const auto report = [&](const char* label, std::size_t lib, std::size_t anchor) {
        const Timing t_lib = suite.timing(lib), t_cmp = suite.timing(anchor);
        const double gbs_lib = gigabytes_per_second(read_bytes, t_lib.min_s);
        const double gbs_cmp = gigabytes_per_second(read_bytes, t_cmp.min_s);
        char anchor_text[160];
        std::snprintf(anchor_text, sizeof anchor_text, "%s %.2f GB/s", format_timing(t_cmp).c_str(), gbs_cmp);
        board.line(std::string(label) + " anchor", anchor_text, "(anchor)", 1.0);
        char measured[160];
        std::snprintf(measured, sizeof measured, "%s %.2f GB/s", format_timing(t_lib).c_str(), gbs_lib);
        board.line(std::string(label) + " compare_array_files", measured, "throughput ratio to anchor",
                   gbs_lib / gbs_cmp, Target{Target::Kind::at_least, 0.50});
    };
    report("identical (anchor cmp)", lib_same, cmp_same);
    report("5 differing elements (anchor cmp -l)", lib_diff, cmp_diff);
    return board.finish("bench_compare_files");
}
