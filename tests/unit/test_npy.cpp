// .npy/.npz reading (io/npy_reader) against files numpy wrote (tests/data/npy, described by its
// manifest.json), malformed files, round trips through write_npy, and comparisons of every dtype.
#include <catch2/catch.hpp>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <limits>
#include <nlohmann/json.hpp>
#include <set>
#include <unistd.h>
#include "common/error.hpp"
#include "compare/array_files.hpp"
#include "compare/diff_stats.hpp"
#include "io/npy_reader.hpp"
#include "io/npy_writer.hpp"

using namespace detaudit;
namespace fs = std::filesystem;

namespace {

const std::string k_dir = std::string(DETAUDIT_TEST_DATA) + "/npy/";

const nlohmann::json& manifest() {
    static const nlohmann::json m = [] {
        std::ifstream in(k_dir + "manifest.json");
        REQUIRE(in.good());
        return nlohmann::json::parse(in);
    }();
    return m;
}

std::string hex(std::span<const std::byte> bytes) {
    static const char* const k_digits = "0123456789abcdef";
    std::string out;
    for (std::byte b : bytes) {
        out += k_digits[static_cast<unsigned>(b) >> 4];
        out += k_digits[static_cast<unsigned>(b) & 15];
    }
    return out;
}

std::vector<std::size_t> shape_of(const nlohmann::json& j) { return j.get<std::vector<std::size_t>>(); }

void check_buffer(const Buffer& b, const nlohmann::json& expected, const std::string& what) {
    INFO(what);
    CHECK(dtype_name(b.dtype()) == expected.at("dtype").get<std::string>());
    CHECK(b.shape() == shape_of(expected.at("shape")));
    CHECK(hex(b.bytes()) == expected.at("data_hex").get<std::string>());
}

std::vector<std::byte> file_bytes(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::vector<char> chars((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    std::vector<std::byte> out(chars.size());
    if (!chars.empty()) std::memcpy(out.data(), chars.data(), chars.size());
    return out;
}

// Runs `f`; passes when it returns or throws detaudit::Error, fails on any other exception.
template <typename F> bool returns_or_throws_error(F&& f) {
    try {
        f();
        return true;
    } catch (const Error& e) {
        CHECK(e.kind() == ErrorKind::scenario);
        CHECK(std::string(e.what()).find('\n') == std::string::npos);
        return false;
    }
}

Buffer filled(DType dtype, std::vector<std::size_t> shape, unsigned seed) {
    Buffer b(dtype, std::move(shape));
    for (std::size_t i = 0; i < b.size_bytes(); ++i) b.data()[i] = static_cast<std::byte>((i * 37 + seed) & 0xff);
    return b;
}

// Complex buffers take (real, imaginary) pairs: half as many elements as values.
template <typename T> Buffer values(DType dtype, std::vector<T> v) {
    Buffer b(dtype, {v.size() * sizeof(T) / dtype_size(dtype)});
    REQUIRE(b.size_bytes() == v.size() * sizeof(T));
    if (!v.empty()) std::memcpy(b.data(), v.data(), b.size_bytes());
    return b;
}

std::string temp_path(const std::string& name) {
    const fs::path dir = fs::temp_directory_path() / ("detaudit-test-npy-" + std::to_string(::getpid()));
    fs::create_directories(dir);
    return (dir / name).string();
}

} // namespace

TEST_CASE("every dtype x order x byte order x format version reads as numpy wrote it") {
    const auto& valid = manifest().at("valid");
    REQUIRE(valid.size() > 200);
    std::set<std::string> dtypes, versions;
    for (const auto& f : valid) {
        const std::string path = k_dir + f.at("file").get<std::string>();
        check_buffer(read_npy(path), f, path);
        CHECK(sniff_array_file(path) == ArrayFileKind::npy);
        dtypes.insert(f.at("dtype").get<std::string>());
        versions.insert(f.at("version").get<std::string>());
    }
    CHECK(dtypes.size() == 14);
    CHECK(versions == std::set<std::string>{"1.0", "2.0", "3.0"});
}

TEST_CASE(".npz archives: stored and deflated members, by name") {
    for (const auto& archive : manifest().at("npz")) {
        const std::string path = k_dir + archive.at("file").get<std::string>();
        INFO(path);
        CHECK(sniff_array_file(path) == ArrayFileKind::npz);
        const std::vector<NamedBuffer> members = read_npz(path);
        REQUIRE(members.size() == archive.at("members").size());
        for (std::size_t i = 0; i < members.size(); ++i) {
            const auto& expected = archive.at("members")[i];
            CHECK(members[i].name == expected.at("name").get<std::string>());
            check_buffer(members[i].buffer, expected, path + ":" + members[i].name);
        }
    }
}

TEST_CASE("malformed files: one line naming the file and the problem, exit 2, never a crash") {
    const auto& malformed = manifest().at("malformed");
    REQUIRE(malformed.size() > 30);
    for (const auto& f : malformed) {
        const std::string path = k_dir + f.at("file").get<std::string>();
        const std::string expected = f.at("error").get<std::string>();
        INFO(path << ": expecting \"" << expected << "\"");
        try {
            if (f.value("npz", false)) read_npz(path);
            else read_npy(path);
            FAIL("no error");
        } catch (const Error& e) {
            const std::string message = e.what();
            INFO(message);
            CHECK(e.kind() == ErrorKind::scenario);
            CHECK(exit_code_for(e.kind()) == 2);
            CHECK(message.rfind(path, 0) == 0);
            CHECK(message.find(expected) != std::string::npos);
            CHECK(message.find('\n') == std::string::npos);
        }
    }
}

TEST_CASE("missing files and directories are errors naming the path") {
    for (const std::string& path : {k_dir + "no-such-file.npy", k_dir + "valid"}) {
        INFO(path);
        CHECK_THROWS_AS(read_npy(path), Error);
        CHECK_THROWS_AS(read_npz(path), Error);
        CHECK_THROWS_WITH(read_npy(path), Catch::StartsWith(path));
    }
}

TEST_CASE("every truncation of every valid file is refused (or, past the data, reads the same)") {
    for (const auto& f : manifest().at("valid")) {
        const std::string path = k_dir + f.at("file").get<std::string>();
        INFO(path);
        const std::vector<std::byte> bytes = file_bytes(path);
        const Buffer full = parse_npy(bytes, path);
        for (std::size_t n = 0; n < bytes.size(); ++n) {
            INFO("first " << n << " bytes");
            std::vector<std::byte> prefix(bytes.begin(), bytes.begin() + static_cast<std::ptrdiff_t>(n));
            Buffer b;
            if (returns_or_throws_error([&] { b = parse_npy(prefix, "prefix"); })) {
                // Only a file with bytes after its data may be cut short and still read.
                CHECK(path.find("trailing") != std::string::npos);
                CHECK(b.shape() == full.shape());
                CHECK(hex(b.bytes()) == hex(full.bytes()));
            }
        }
    }
}

TEST_CASE("corrupted header bytes give an Error or a valid array, never a crash") {
    const std::byte k_replacements[] = {std::byte{0},    std::byte{0xff}, std::byte{'('}, std::byte{')'},
                                        std::byte{','},  std::byte{'\''}, std::byte{'9'}, std::byte{' '},
                                        std::byte{'{'},  std::byte{'['},  std::byte{'>'}, std::byte{'-'}};
    std::size_t parsed = 0, refused = 0;
    for (const char* name : {"valid/f8_F_be_v1.npy", "valid/c16_C_le_v3.npy", "valid/shape_i2_2x3x4_F_be.npy",
                             "valid/hand_double_quotes_native.npy", "valid/b1_C_le_v2.npy"}) {
        const std::vector<std::byte> bytes = file_bytes(k_dir + name);
        REQUIRE(bytes.size() > 64);
        for (std::size_t pos = 0; pos < std::min<std::size_t>(bytes.size(), 128); ++pos) {
            for (std::byte r : k_replacements) {
                std::vector<std::byte> changed = bytes;
                changed[pos] = r;
                INFO(name << ": byte " << pos << " set to " << static_cast<int>(r));
                (returns_or_throws_error([&] { parse_npy(changed, name); }) ? parsed : refused) += 1;
            }
        }
    }
    CHECK(parsed > 0);
    CHECK(refused > 0);
}

TEST_CASE("write_npy then read_npy gives the same buffer, for every dtype and shape") {
    const DType all[] = {DType::f32, DType::f64, DType::i64, DType::bool_, DType::i8, DType::i16, DType::i32,
                         DType::u8,  DType::u16, DType::u32, DType::u64,   DType::f16, DType::c64, DType::c128};
    const std::vector<std::vector<std::size_t>> shapes = {{}, {0}, {7}, {2, 3}, {3, 1, 4}};
    unsigned seed = 1;
    for (DType t : all) {
        for (const auto& shape : shapes) {
            Buffer b = filled(t, shape, seed++);
            if (t == DType::bool_)
                for (std::size_t i = 0; i < b.size_bytes(); ++i) b.data()[i] = static_cast<std::byte>(i % 3 == 0);
            INFO(dtype_name(t) << " with " << shape.size() << " dimensions");
            const std::string path = temp_path("roundtrip.npy");
            write_npy(path, b);
            const Buffer back = read_npy(path);
            CHECK(back.dtype() == t);
            CHECK(back.shape() == shape);
            CHECK(hex(back.bytes()) == hex(b.bytes()));
            const std::string in_memory = npy_bytes(b);
            const Buffer parsed = parse_npy(std::as_bytes(std::span(in_memory.data(), in_memory.size())), "memory");
            CHECK(hex(parsed.bytes()) == hex(b.bytes()));
            CHECK(parse_dtype(dtype_name(t)) == t);
        }
    }
    fs::remove_all(fs::path(temp_path("x")).parent_path());
}

TEST_CASE("known pairs compare with the statistics numpy computed") {
    for (const auto& p : manifest().at("pairs")) {
        const std::string a = k_dir + p.at("a").get<std::string>(), b = k_dir + p.at("b").get<std::string>();
        INFO(a << " vs " << b);
        const DiffStats d = compare_buffers(read_npy(a), read_npy(b));
        CHECK(d.identical == p.at("identical").get<bool>());
        if (p.value("shape_mismatch", false)) {
            CHECK(d.shape_mismatch);
            continue;
        }
        CHECK_FALSE(d.shape_mismatch);
        CHECK(d.differing_elements == p.at("differing_elements").get<std::size_t>());
        CHECK(d.max_ulp == p.at("max_ulp").get<uint64_t>());
        CHECK(d.max_abs == Approx(p.at("max_abs").get<double>()).epsilon(1e-15));
        CHECK(d.max_rel == Approx(p.at("max_rel").get<double>()).epsilon(1e-15));
        CHECK(d.nan_mismatches == p.at("nan_mismatches").get<std::size_t>());
        if (p.contains("first_index")) {
            REQUIRE(d.first_difference);
            CHECK(d.first_difference->index == p.at("first_index").get<std::size_t>());
        }
    }
}

TEST_CASE("f16: values through double, ULP on the 16-bit pattern, NaN mismatches apart") {
    //                                    1.0     1.0+1ulp  +0      -0      NaN     min subnormal
    const Buffer a = values<uint16_t>(DType::f16, {0x3c00, 0x3c00, 0x0000, 0x8000, 0x7e00, 0x0001, 0x7bff});
    const Buffer b = values<uint16_t>(DType::f16, {0x3c00, 0x3c01, 0x8000, 0x0000, 0x3c00, 0x8001, 0x7c00});
    const DiffStats d = compare_buffers(a, b);
    CHECK(d.differing_elements == 6);
    CHECK(d.nan_mismatches == 1);
    CHECK(d.max_ulp == 2); // -min subnormal to +min subnormal; max finite (0x7bff) to inf is 1 ULP
    CHECK(std::isinf(d.max_abs));
    CHECK(d.ulp_histogram[0] == 3); // the equal element and both signed zeros
    REQUIRE(d.first_difference);
    CHECK(d.first_difference->index == 1);
    CHECK(d.first_difference->reference.decimal == "1");
    CHECK(d.first_difference->other.decimal == "1.0009765625");
    CHECK(d.first_difference->other.hex_bits == "0x3c01");
}

TEST_CASE("complex: maxima over both parts, counts per element") {
    const float nan = std::numeric_limits<float>::quiet_NaN();
    const float one_up = std::nextafter(1.0f, 2.0f);
    const float three_up = std::nextafter(std::nextafter(std::nextafter(4.0f, 8.0f), 8.0f), 8.0f);
    // Element 1: real part 1 ULP apart. Element 2: imaginary NaN on one side, real 3 ULP apart.
    const Buffer a = values<float>(DType::c64, {0, 0, 1, 2, 4, 1, 5, 5});
    const Buffer b = values<float>(DType::c64, {0, 0, one_up, 2, three_up, nan, 5, 5});
    REQUIRE(a.elements() == 4);
    const DiffStats d = compare_buffers(a, b);
    CHECK(d.elements == 4);
    CHECK(d.differing_elements == 2);
    CHECK(d.nan_mismatches == 1);
    CHECK(d.max_ulp == 3);
    CHECK(d.max_abs == Approx(static_cast<double>(three_up) - 4.0));
    CHECK(d.ulp_histogram[0] == 2);
    CHECK(d.ulp_histogram[1] == 1);
    REQUIRE(d.first_difference);
    CHECK(d.first_difference->reference.decimal == "1+2j");
    CHECK(d.first_difference->reference.hex_bits == "0x3f80000040000000");
}

TEST_CASE("integers and bools: absolute difference, exact for the widest types") {
    SECTION("u64 extremes") {
        const DiffStats d = compare_buffers(values<uint64_t>(DType::u64, {0, 7}),
                                            values<uint64_t>(DType::u64, {std::numeric_limits<uint64_t>::max(), 7}));
        CHECK(d.differing_elements == 1);
        CHECK(d.max_ulp == std::numeric_limits<uint64_t>::max()); // |a - b|, exact
        CHECK(d.max_abs == 18446744073709551615.0);
        CHECK(d.max_rel == 1.0);
        CHECK(d.first_difference->other.decimal == "18446744073709551615");
        CHECK(d.first_difference->other.hex_bits == "0xffffffffffffffff");
    }
    SECTION("i64 min against max") {
        const DiffStats d = compare_buffers(values<int64_t>(DType::i64, {std::numeric_limits<int64_t>::min()}),
                                            values<int64_t>(DType::i64, {std::numeric_limits<int64_t>::max()}));
        CHECK(d.max_ulp == std::numeric_limits<uint64_t>::max());
        CHECK(d.max_abs == 18446744073709551615.0);
    }
    SECTION("i8 and i16 signs") {
        const DiffStats d = compare_buffers(values<int8_t>(DType::i8, {-128, 5}), values<int8_t>(DType::i8, {127, 5}));
        CHECK(d.max_abs == 255);
        CHECK(d.first_difference->reference.decimal == "-128");
        CHECK(d.first_difference->reference.hex_bits == "0x80");
        const DiffStats e = compare_buffers(values<int16_t>(DType::i16, {-3}), values<int16_t>(DType::i16, {2}));
        CHECK(e.max_abs == 5);
        CHECK(e.first_difference->reference.hex_bits == "0xfffd");
    }
    SECTION("bool: truth values, though bits may differ") {
        const DiffStats d = compare_buffers(values<uint8_t>(DType::bool_, {1, 0, 1}), values<uint8_t>(DType::bool_, {2, 0, 0}));
        CHECK(d.differing_elements == 2);
        CHECK(d.max_abs == 1);
        CHECK(d.first_difference->reference.decimal == "true");
        CHECK(d.first_difference->other.decimal == "true");
        CHECK(d.first_difference->other.hex_bits == "0x02");
    }
}

TEST_CASE("same_multiset handles 16-byte elements") {
    const Buffer a = values<double>(DType::c128, {1, 2, 3, 4});
    const Buffer b = values<double>(DType::c128, {3, 4, 1, 2});
    const Buffer c = values<double>(DType::c128, {3, 4, 2, 1});
    CHECK(same_multiset(a, b));
    CHECK_FALSE(same_multiset(a, c));
}

TEST_CASE("numpy_descr spells every dtype as numpy does") {
    const auto& descrs = manifest().at("descrs");
    REQUIRE(descrs.size() == 14);
    for (const auto& [name, descr] : descrs.items()) {
        INFO(name);
        const auto t = parse_dtype(name);
        REQUIRE(t);
        CHECK(numpy_descr(*t) == descr.get<std::string>());
    }
}

namespace {

const DType k_all_dtypes[] = {DType::f32, DType::f64, DType::i64, DType::bool_, DType::i8,  DType::i16, DType::i32,
                              DType::u8,  DType::u16, DType::u32, DType::u64,   DType::f16, DType::c64, DType::c128};

// The bytes after the header: the header's length is in the prefix (u16 in 1.0, u32 after).
std::string data_section(const std::string& file) {
    REQUIRE(file.size() >= 12);
    const auto byte = [&](std::size_t i) { return static_cast<std::size_t>(static_cast<unsigned char>(file[i])); };
    const bool v1 = file[6] == 1;
    const std::size_t header_len = v1 ? byte(8) | byte(9) << 8 : byte(8) | byte(9) << 8 | byte(10) << 16 | byte(11) << 24;
    const std::size_t start = (v1 ? 10 : 12) + header_len;
    REQUIRE(start <= file.size());
    return file.substr(start);
}

std::string data_hex(const std::string& file) {
    const std::string data = data_section(file);
    return hex(std::as_bytes(std::span(data.data(), data.size())));
}

std::string header_text(const std::string& file) {
    const std::size_t data = file.size() - data_section(file).size();
    return file.substr(file[6] == 1 ? 10 : 12, data - (file[6] == 1 ? 10 : 12));
}

} // namespace

TEST_CASE("write_npy: every dtype x memory order x byte order x version reads back bit for bit") {
    const std::vector<std::vector<std::size_t>> shapes = {{}, {0}, {7}, {2, 3}, {3, 1, 4}, {2, 0, 3}};
    const std::pair<NpyVersion, char> versions[] = {
        {NpyVersion::automatic, 1}, {NpyVersion::v1_0, 1}, {NpyVersion::v2_0, 2}, {NpyVersion::v3_0, 3}};
    std::size_t checked = 0;
    unsigned seed = 3;
    for (DType t : k_all_dtypes)
        for (const auto& shape : shapes) {
            const Buffer b = filled(t, shape, seed++);
            for (MemoryOrder o : {MemoryOrder::c, MemoryOrder::fortran})
                for (ByteOrder e : {ByteOrder::little, ByteOrder::big})
                    for (const auto& [v, version_byte] : versions) {
                        INFO(dtype_name(t) << ", " << shape.size() << " dimensions, "
                                           << (o == MemoryOrder::c ? "C" : "Fortran") << " order, "
                                           << (e == ByteOrder::little ? "little" : "big") << "-endian, version "
                                           << npy_version_name(v));
                        const std::string file = npy_bytes(b, {v, e, o});
                        CHECK(file[6] == version_byte);
                        CHECK(file[7] == 0);
                        CHECK((file.size() - data_section(file).size()) % 64 == 0); // data aligned as numpy does
                        const std::string header = header_text(file);
                        CHECK(header.back() == '\n');
                        const char expected_order = dtype_size(t) == 1 ? '|' : e == ByteOrder::big ? '>' : '<';
                        CHECK(header.find(std::string("'descr': '") + expected_order) != std::string::npos);
                        CHECK(header.find(o == MemoryOrder::fortran ? "'fortran_order': True" : "'fortran_order': False") !=
                              std::string::npos);
                        const Buffer back = parse_npy(std::as_bytes(std::span(file.data(), file.size())), "memory");
                        CHECK(back.dtype() == t);
                        CHECK(back.shape() == shape);
                        CHECK(hex(back.bytes()) == hex(b.bytes()));
                        ++checked;
                    }
        }
    CHECK(checked == 14 * 6 * 2 * 2 * 4);

    // Through a file too, for the path that writes a converted copy and the one that does not.
    for (const NpyFormat f : {NpyFormat{}, NpyFormat{NpyVersion::v3_0, ByteOrder::big, MemoryOrder::fortran}}) {
        const Buffer b = filled(DType::c64, {3, 2, 2}, 9);
        const std::string path = temp_path("formats.npy");
        write_npy(path, b, f);
        const Buffer back = read_npy(path);
        CHECK(back.shape() == b.shape());
        CHECK(hex(back.bytes()) == hex(b.bytes()));
    }
    fs::remove_all(fs::path(temp_path("x")).parent_path());
}

TEST_CASE("write_npy lays the data out as numpy did in the committed files of the same format") {
    // numpy wrote tests/data/npy/valid (make_npy_files.py): read each, write it again in the
    // file's own version, byte order and memory order, and the data bytes must be numpy's.
    std::size_t compared = 0, fortran = 0, big = 0;
    for (const auto& f : manifest().at("valid")) {
        if (!f.contains("big_endian")) continue; // hand-written headers: no format of numpy's own
        const std::string path = k_dir + f.at("file").get<std::string>();
        INFO(path);
        const std::string version = f.at("version").get<std::string>();
        const NpyFormat format{version == "1.0" ? NpyVersion::v1_0 : version == "2.0" ? NpyVersion::v2_0 : NpyVersion::v3_0,
                               f.at("big_endian").get<bool>() ? ByteOrder::big : ByteOrder::little,
                               f.at("fortran_order").get<bool>() ? MemoryOrder::fortran : MemoryOrder::c};
        const std::vector<std::byte> original = file_bytes(path);
        const std::string numpy_file(reinterpret_cast<const char*>(original.data()), original.size());
        const std::string ours = npy_bytes(read_npy(path), format);
        CHECK(ours[6] == numpy_file[6]);
        CHECK(data_hex(ours) == data_hex(numpy_file));
        ++compared;
        fortran += format.memory_order == MemoryOrder::fortran;
        big += format.byte_order == ByteOrder::big;
    }
    CHECK(compared > 200);
    CHECK(fortran > 50);
    CHECK(big > 50);
}

TEST_CASE("write_npy's automatic version is 1.0 until the header outgrows 16 bits, then 2.0") {
    CHECK(npy_bytes(filled(DType::f32, {4, 5}, 1))[6] == 1);
    CHECK(npy_header(filled(DType::f32, {4, 5}, 1)).size() == 128); // the historical default, unchanged

    // 30000 dimensions of 1 ("1, " each): a header of about 90 KB, more than 1.0's u16 length holds.
    const Buffer many(DType::u8, std::vector<std::size_t>(30000, 1));
    const std::string file = npy_bytes(many);
    CHECK(file[6] == 2);
    const std::string header = header_text(file);
    CHECK(header.size() > 65535);
    CHECK((12 + header.size()) % 64 == 0);
    CHECK(data_section(file).size() == 1);
    // The reader follows the 32-bit length to the shape, which it refuses on its own terms.
    CHECK_THROWS_WITH(parse_npy(std::as_bytes(std::span(file.data(), file.size())), "many"),
                      Catch::Contains("30000 dimensions (at most 64)"));
    CHECK(npy_bytes(many, {NpyVersion::v3_0, ByteOrder::little, MemoryOrder::c})[6] == 3);
    try {
        npy_header(many, {NpyVersion::v1_0, ByteOrder::little, MemoryOrder::c});
        FAIL("a forced 1.0 with a header over 65535 bytes was written");
    } catch (const Error& e) {
        CHECK(e.kind() == ErrorKind::runtime);
        CHECK_THAT(e.what(), Catch::Contains("too long for format 1.0"));
    }
}

TEST_CASE("write_npy: Fortran order and big-endian bytes, spelled out") {
    // i16 [[0, 1, 2], [3, 4, 5]]: Fortran order stores the columns 0 3 1 4 2 5.
    Buffer b(DType::i16, {2, 3});
    for (int16_t i = 0; i < 6; ++i) std::memcpy(b.data() + 2 * i, &i, 2);
    CHECK(data_hex(npy_bytes(b, {NpyVersion::automatic, ByteOrder::little, MemoryOrder::fortran})) ==
          "000003000100040002000500");
    CHECK(data_hex(npy_bytes(b, {NpyVersion::automatic, ByteOrder::big, MemoryOrder::c})) ==
          "000000010002000300040005");
    // Complex numbers swap each part on its own: c64 (1 + 2j) is 3f800000 40000000 big-endian.
    const Buffer c = values<float>(DType::c64, {1.0f, 2.0f});
    CHECK(data_hex(npy_bytes(c, {NpyVersion::automatic, ByteOrder::big, MemoryOrder::c})) ==
          "3f80000040000000");
    CHECK(header_text(npy_bytes(c, {NpyVersion::automatic, ByteOrder::big, MemoryOrder::c})).rfind("{'descr': '>c8'", 0) == 0);
}

TEST_CASE("compare_array_files reads .npy pairs piece by piece with compare_buffers' exact result") {
    // 640 KiB of data and a few elements: pieces of 256 KiB, the last one shorter. Differences
    // (bytes changed in B) fall in several pieces, so counts, maxima, histograms and the first
    // difference must be combined across pieces. Byte patterns give NaNs, infinities, subnormals.
    const DType dtypes[] = {DType::f32, DType::f64, DType::f16, DType::c64, DType::c128, DType::u16, DType::i64, DType::bool_};
    for (DType t : dtypes)
        for (ByteOrder order : {ByteOrder::little, ByteOrder::big}) {
            INFO(dtype_name(t) << (order == ByteOrder::big ? " big-endian" : " little-endian"));
            const std::size_t n = (640 << 10) / dtype_size(t) + 3;
            const Buffer a = filled(t, {n}, 5);
            Buffer b = a.clone();
            for (std::size_t pos : {std::size_t{300000}, std::size_t{300001}, std::size_t{77}, b.size_bytes() - 1,
                                    std::size_t{600000}})
                b.data()[pos] ^= std::byte{0x41};
            const std::string path_a = temp_path("stream_a.npy"), path_b = temp_path("stream_b.npy");
            write_npy(path_a, a, {NpyVersion::automatic, order, MemoryOrder::c});
            write_npy(path_b, b, {NpyVersion::v2_0, order, MemoryOrder::c});
            const ArrayFilesComparison c = compare_array_files(path_a, path_b, {});
            REQUIRE(c.arrays.size() == 1);
            const DiffStats& got = c.arrays[0].diff;
            const DiffStats expected = compare_buffers(a, b);
            CHECK_FALSE(got.identical);
            CHECK(got.elements == expected.elements);
            CHECK(got.differing_elements == expected.differing_elements);
            CHECK(got.differing_elements >= 4);
            CHECK(got.max_ulp == expected.max_ulp);
            CHECK(got.max_abs == expected.max_abs);
            CHECK(got.max_rel == expected.max_rel);
            CHECK(got.ulp_histogram == expected.ulp_histogram);
            CHECK(got.nan_mismatches == expected.nan_mismatches);
            REQUIRE(got.first_difference);
            CHECK(got.first_difference->index == expected.first_difference->index);
            CHECK(got.first_difference->other.hex_bits == expected.first_difference->other.hex_bits);
            // And a file against itself: identical, every element in the 0-ULP bucket.
            const DiffStats same = compare_array_files(path_a, path_a, {}).arrays.at(0).diff;
            CHECK(same.identical);
            CHECK(same.ulp_histogram[0] == n);
        }
    SECTION("a Fortran-order file is read whole and transposed: the same array as its C-order twin") {
        const Buffer a = filled(DType::f64, {300, 200}, 8);
        const std::string path_c = temp_path("order_c.npy"), path_f = temp_path("order_f.npy");
        write_npy(path_c, a);
        write_npy(path_f, a, {NpyVersion::automatic, ByteOrder::big, MemoryOrder::fortran});
        CHECK(compare_array_files(path_c, path_f, {}).arrays.at(0).diff.identical);
        CHECK(compare_array_files(path_f, path_c, {}).arrays.at(0).diff.elements == 60000);
    }
    fs::remove_all(fs::path(temp_path("x")).parent_path());
}

TEST_CASE("parse_npz reads archives from memory as read_npz reads the files") {
    for (const auto& archive : manifest().at("npz")) {
        const std::string path = k_dir + archive.at("file").get<std::string>();
        INFO(path);
        const std::vector<NamedBuffer> from_file = read_npz(path), from_memory = parse_npz(file_bytes(path), "memory.npz");
        REQUIRE(from_memory.size() == from_file.size());
        for (std::size_t i = 0; i < from_file.size(); ++i) {
            CHECK(from_memory[i].name == from_file[i].name);
            CHECK(from_memory[i].buffer.shape() == from_file[i].buffer.shape());
            CHECK(hex(from_memory[i].buffer.bytes()) == hex(from_file[i].buffer.bytes()));
        }
    }
    for (const auto& f : manifest().at("malformed")) {
        if (!f.value("npz", false)) continue;
        const std::string path = k_dir + f.at("file").get<std::string>();
        INFO(path);
        CHECK_THROWS_WITH(parse_npz(file_bytes(path), "memory.npz"),
                          Catch::StartsWith("memory.npz") && Catch::Contains(f.at("error").get<std::string>()));
    }
    // libzip would open no bytes at all as a new, empty archive; an empty file is not an .npz.
    CHECK_THROWS_WITH(parse_npz({}, "nothing.npz"), "nothing.npz: not a readable .npz (zip) archive: Not a zip archive");
}
