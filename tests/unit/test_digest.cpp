// The digest computed by xxhash.h compiled per vector width equals `xxhsum -H2` (the system
// tool, an independent build of XXH3-128) for sizes around every XXH3 code path boundary, in every
// variant this CPU runs, fed at once or in pieces of any size.
#include <catch2/catch.hpp>
#include <cstdio>
#include <vector>
#include "compare/digest.hpp"
#include "compare/xxh3_isa.hpp"
#include "kernels/common/philox.hpp"
#include "temp_files.hpp"

using namespace detaudit;

namespace {

std::vector<std::byte> random_bytes(std::size_t n, uint64_t seed) {
    std::vector<std::byte> out(n);
    for (std::size_t i = 0; i < n; ++i) out[i] = static_cast<std::byte>(kernels::philox_word(seed, i) & 0xff);
    return out;
}

std::string xxhsum_of(const std::filesystem::path& file) {
    const std::string command = "xxhsum -H2 '" + file.string() + "'";
    FILE* pipe = ::popen(command.c_str(), "r");
    REQUIRE(pipe != nullptr);
    char line[256] = {};
    const bool read = std::fgets(line, sizeof line, pipe) != nullptr;
    REQUIRE(::pclose(pipe) == 0);
    REQUIRE(read);
    return std::string(line).substr(0, 32); // "<32 hex digits>  <file>"
}

std::string hex_of(const xxh3_isa::Ops& ops, const std::vector<std::byte>& data, std::size_t piece) {
    xxh3_isa::State state;
    ops.reset(state);
    for (std::size_t at = 0; at < data.size(); at += piece)
        ops.update(state, data.data() + at, std::min(piece, data.size() - at));
    const xxh3_isa::Hash128 h = ops.digest(state);
    char text[40];
    std::snprintf(text, sizeof text, "%016llx%016llx", static_cast<unsigned long long>(h.high),
                  static_cast<unsigned long long>(h.low));
    return text;
}

} // namespace

TEST_CASE("digest equals xxhsum -H2 in every vector-width variant, whole or in pieces") {
    std::vector<const xxh3_isa::Ops*> variants;
    const xxh3_isa::Ops default_ops = xxh3_isa::ops_default();
    variants.push_back(&default_ops);
#ifdef DETAUDIT_XXH3_X86_CLONES
    const xxh3_isa::Ops avx2_ops = xxh3_isa::ops_avx2(), avx512_ops = xxh3_isa::ops_avx512();
    __builtin_cpu_init();
    if (__builtin_cpu_supports("avx2")) variants.push_back(&avx2_ops);
    if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw")) variants.push_back(&avx512_ops);
#endif
    test::TempDir dir;
    // XXH3's paths: 0, 1-3, 4-8, 9-16, 17-128, 129-240 bytes, then stripes, blocks of 1 KiB and
    // the streaming buffer of 256 bytes.
    for (const std::size_t size : {0, 1, 3, 4, 8, 9, 16, 17, 128, 129, 240, 241, 255, 256, 1023, 1024, 1025, 4096,
                                   100003, 1048576 + 64}) {
        const std::vector<std::byte> data = random_bytes(size, size + 1);
        const auto file = dir.path / ("data-" + std::to_string(size));
        test::write_text(file, std::string(reinterpret_cast<const char*>(data.data()), data.size()));
        const std::string expected = xxhsum_of(file);
        INFO("size " << size);
        CHECK(digest_bytes(data) == expected);
        for (const xxh3_isa::Ops* ops : variants)
            for (const std::size_t piece : {std::size_t(1), std::size_t(7), std::size_t(64), std::size_t(1000),
                                            std::size_t(32768), std::max<std::size_t>(size, 1)})
                CHECK(hex_of(*ops, data, piece) == expected);
        DigestStream stream;
        for (std::size_t at = 0; at < size; at += 333) stream.update(std::span(data).subspan(at, std::min<std::size_t>(333, size - at)));
        CHECK(stream.hex() == expected);
    }
}
