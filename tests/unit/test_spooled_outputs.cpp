// Exec outputs kept in spool files (docs/performance.md, "Memory"): what collect_outputs spools
// equals what it reads whole, for every layout a .npy can have; digests and comparisons streamed
// from spool files equal the in-memory ones (first difference across pieces included); spool files
// go with their arrays; dumps of spooled outputs are the .npy numpy would read.
#include <catch2/catch.hpp>
#include <filesystem>
#include <random>
#include "compare/stored_output.hpp"
#include "exec/output_files.hpp"
#include "io/npy_reader.hpp"
#include "io/npy_writer.hpp"
#include "temp_files.hpp"

namespace fs = std::filesystem;
using namespace detaudit;

namespace {

using test::TempDir;
using test::write_text;

Buffer counting(DType dtype, std::vector<std::size_t> shape) {
    Buffer b(dtype, std::move(shape));
    for (std::size_t i = 0; i < b.size_bytes(); ++i) b.data()[i] = static_cast<std::byte>((i * 7 + 3) & 0xff);
    return b;
}

bool same_bytes(const Buffer& a, const Buffer& b) {
    return a.dtype() == b.dtype() && a.shape() == b.shape() &&
           std::equal(a.bytes().begin(), a.bytes().end(), b.bytes().begin(), b.bytes().end());
}

std::size_t files_in(const fs::path& dir) {
    std::size_t n = 0;
    for ([[maybe_unused]] const auto& e : fs::directory_iterator(dir)) ++n;
    return n;
}

} // namespace

TEST_CASE("collect_outputs with a spool directory: the same arrays as reading them whole, in files of their own") {
    TempDir out, spool;
    const Buffer c_order = counting(DType::f32, {300000}), matrix = counting(DType::f64, {50, 70});
    write_npy((out.path / "c.npy").string(), c_order);
    write_npy((out.path / "big_endian.npy").string(), matrix, NpyFormat{NpyVersion::automatic, ByteOrder::big});
    write_npy((out.path / "fortran.npy").string(), matrix, NpyFormat{NpyVersion::automatic, ByteOrder::little,
                                                                       MemoryOrder::fortran});
    write_text(out.path / "log.txt", std::string(3 << 20, 'x') + "end");
    const std::vector<std::string> patterns = {"c.npy", "big_endian.npy", "fortran.npy", "log.txt"};

    const CollectedOutputs whole = collect_outputs(out.path.string(), patterns);
    {
        const CollectedOutputs spooled = collect_outputs(out.path.string(), patterns, spool.path.string());
        REQUIRE(spooled.files.empty());
        REQUIRE(spooled.spooled.size() == whole.files.size());
        CHECK(files_in(spool.path) == whole.files.size());
        for (std::size_t i = 0; i < whole.files.size(); ++i) {
            CHECK(spooled.spooled[i].name == whole.files[i].name);
            CHECK(same_bytes(spooled.spooled[i].array.load(), whole.files[i].buffer));
        }
        CHECK(same_bytes(whole.files[0].buffer, c_order));
        CHECK(same_bytes(whole.files[1].buffer, matrix));
        CHECK(same_bytes(whole.files[2].buffer, matrix));
    }
    CHECK(files_in(spool.path) == 0); // every spool file went with its array
}

TEST_CASE("stored outputs: streamed digests and comparisons equal the in-memory ones") {
    TempDir spool;
    std::mt19937_64 rng(7);
    for (const DType dtype : {DType::f32, DType::f64, DType::i32, DType::bytes}) {
        CAPTURE(dtype_name(dtype));
        // More than one 256 KiB piece, and a last piece that is shorter.
        const std::size_t n = (std::size_t{700} << 10) / dtype_size(dtype) + 13;
        Buffer a = counting(dtype, {n});
        Buffer b = a.clone();
        // Differences only after the first piece, so the first difference's index must be moved.
        for (int k = 0; k < 20; ++k) {
            const std::size_t at = n / 2 + rng() % (n / 2);
            b.data()[at * dtype_size(dtype)] ^= std::byte{0x10};
        }
        const DigestedComparison in_memory = digest_and_compare(a, b);
        const StoredOutput spooled_a(spool_buffer(a, (spool.path / "a").string()));
        const StoredOutput spooled_b(spool_buffer(b, (spool.path / "b").string()));
        const DigestedComparison streamed = digest_and_compare(spooled_a, spooled_b);
        CHECK(streamed.digest == in_memory.digest);
        CHECK(digest_output(spooled_b) == in_memory.digest);
        const DiffStats& d = streamed.diff;
        CHECK(d.identical == in_memory.diff.identical);
        CHECK(d.elements == in_memory.diff.elements);
        CHECK(d.differing_elements == in_memory.diff.differing_elements);
        CHECK(d.max_ulp == in_memory.diff.max_ulp);
        CHECK(d.max_abs == in_memory.diff.max_abs);
        CHECK(d.max_rel == in_memory.diff.max_rel);
        CHECK(d.ulp_histogram == in_memory.diff.ulp_histogram);
        REQUIRE(d.first_difference);
        CHECK(d.first_difference->index == in_memory.diff.first_difference->index);
        CHECK(d.first_difference->reference.hex_bits == in_memory.diff.first_difference->reference.hex_bits);
        const DiffStats mixed = compare_outputs(StoredOutput(a.clone()), spooled_b);
        CHECK(mixed.differing_elements == in_memory.diff.differing_elements);
    }
}

TEST_CASE("stored outputs: a dtype or shape mismatch is described without reading, as compare_buffers does") {
    TempDir spool;
    const Buffer a = counting(DType::f32, {4, 5}), b = counting(DType::f32, {20});
    const StoredOutput sa(spool_buffer(a, (spool.path / "a").string())), sb(spool_buffer(b, (spool.path / "b").string()));
    const DiffStats streamed = compare_outputs(sa, sb), in_memory = compare_buffers(a, b);
    CHECK(streamed.shape_mismatch);
    CHECK(streamed.mismatch_detail == in_memory.mismatch_detail);
    CHECK(streamed.mismatch_detail == "f32[4,5] vs f32[20]");
}

TEST_CASE("spool files are created exclusively and never through a link") {
    TempDir spool;
    const fs::path target = spool.path / "target";
    write_text(target, "keep");
    fs::create_symlink(target, spool.path / "link");
    CHECK_THROWS(SpoolWriter((spool.path / "link").string(), DType::f32, {1}));
    CHECK_THROWS(SpoolWriter(target.string(), DType::f32, {1}));
    CHECK(test::read_text(target) == "keep");
    {
        SpoolWriter unfinished((spool.path / "partial").string(), DType::f32, {4});
        unfinished.append(counting(DType::f32, {2}).bytes());
        CHECK_THROWS(unfinished.finish()); // 8 of 16 bytes
    }
    CHECK_FALSE(fs::exists(spool.path / "partial"));
}
