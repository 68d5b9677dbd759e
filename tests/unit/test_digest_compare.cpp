// digest_and_compare's one-pass loop (XXH3 fed stripe by stripe while each stripe is XOR-compared
// with the reference) in every XXH3 variant this CPU runs: its digest equals digest_bytes (itself
// checked against `xxhsum -H2` in test_digest.cpp) and its statistics equal compare_buffers, for
// sizes around XXH3's short/long boundary, its 1 KiB blocks and the loop's 16-block chunks, with
// differences in the first block, in one middle chunk, only in the last partial block, or none.
#include "common/buffer.hpp"
#include "compare/diff_stats.hpp"
#include "compare/digest.hpp"
#include "compare/digest_compare.hpp"
#include "compare/xxh3_isa.hpp"
#include "kernels/common/philox.hpp"
#include <catch2/catch.hpp>
#include <vector>

using namespace detaudit;

namespace {

std::vector<const xxh3_isa::Ops*> variants() {
    static const xxh3_isa::Ops default_ops = xxh3_isa::ops_default();
    std::vector<const xxh3_isa::Ops*> out{&default_ops};
#ifdef DETAUDIT_XXH3_X86_CLONES
    static const xxh3_isa::Ops avx2_ops = xxh3_isa::ops_avx2(), avx512_ops = xxh3_isa::ops_avx512();
    __builtin_cpu_init();
    if (__builtin_cpu_supports("avx2")) out.push_back(&avx2_ops);
    if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw"))
        out.push_back(&avx512_ops);
#endif
    return out;
}

Buffer random_buffer(DType dtype, std::size_t n, uint64_t seed) {
    Buffer b(dtype, {n});
    for (std::size_t i = 0; i < b.size_bytes(); ++i)
        b.data()[i] = static_cast<std::byte>(kernels::philox_word(seed, i) & 0xff);
    return b;
}

enum class Where { nowhere, first_block, middle_chunk, last_part, last_byte };

void change(Buffer& b, Where where) {
    const std::size_t size = b.size_bytes();
    auto flip = [&](std::size_t at) {
        if (at < size) b.data()[at] ^= std::byte{0x5a};
    };
    switch (where) {
    case Where::nowhere:
        return;
    case Where::first_block:
        return flip(3);
    case Where::middle_chunk: // one byte in each of a few blocks of chunk 2 (blocks 16-31)
        for (std::size_t at = 17 * 1024 + 5; at < 20 * 1024; at += 1024 + 8)
            flip(at);
        return;
    case Where::last_part:
        return size >= 241 ? flip(xxh3_isa::long_hash_blocks(size) * 1024 + 1) : flip(size / 2);
    case Where::last_byte:
        return size ? flip(size - 1) : void();
    }
}

void check_fused(const Buffer& a, const Buffer& b) {
    const std::string want_digest = digest_bytes(b.bytes());
    const DiffStats want = compare_buffers(a, b);
    for (const xxh3_isa::Ops* ops : variants()) {
        const DigestedComparison got = digest_and_compare(a, b, *ops);
        CHECK(got.digest == want_digest);
        CHECK(got.diff.identical == want.identical);
        CHECK(got.diff.elements == want.elements);
        CHECK(got.diff.differing_elements == want.differing_elements);
        CHECK(got.diff.nan_mismatches == want.nan_mismatches);
        CHECK(got.diff.ulp_histogram == want.ulp_histogram);
        CHECK(got.diff.max_ulp == want.max_ulp);
        CHECK(got.diff.max_abs == want.max_abs);
        CHECK(got.diff.max_rel == want.max_rel);
        REQUIRE(got.diff.first_difference.has_value() == want.first_difference.has_value());
        if (want.first_difference)
            CHECK(got.diff.first_difference->index == want.first_difference->index);
    }
}

} // namespace

TEST_CASE("digest_and_compare's fused loop: digest_bytes and compare_buffers in every variant") {
    for (const std::size_t size :
         {0,    1,     240,   241,   256,   1023,  1024,  1025,  1088,   2048,  2049,
          4096, 16383, 16384, 16385, 17408, 32768, 32769, 40000, 100003, 262208}) {
        const Buffer a = random_buffer(DType::bytes, size, size + 3);
        for (const Where where : {Where::nowhere, Where::first_block, Where::middle_chunk,
                                  Where::last_part, Where::last_byte}) {
            Buffer b = a.clone();
            change(b, where);
            INFO("size " << size << ", change " << static_cast<int>(where));
            check_fused(a, b);
        }
    }
}

TEST_CASE("digest_and_compare's fused loop cuts chunks at element boundaries of every dtype") {
    for (const DType dtype : {DType::f32, DType::f64, DType::f16, DType::c64, DType::c128,
                              DType::i16, DType::u64, DType::bool_}) {
        for (const std::size_t bytes : {std::size_t(16384 + 1024), std::size_t(50000)}) {
            const std::size_t n = bytes / dtype_size(dtype);
            const Buffer a = random_buffer(dtype, n, n + 11);
            for (const Where where : {Where::nowhere, Where::middle_chunk, Where::last_part}) {
                Buffer b = a.clone();
                change(b, where);
                INFO(dtype_name(dtype) << " n " << n << ", change " << static_cast<int>(where));
                check_fused(a, b);
            }
        }
    }
}
