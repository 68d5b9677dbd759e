// libFuzzer target for the .npy/.npz reader (docs/npy.md, "Fuzzing"): every input goes through
// parse_npy and parse_npz. Each must return an array or throw detaudit::Error with one line that
// names the input; anything else (a crash, a sanitizer report, another exception, a leak) is a bug.
// An array that parses must survive a round trip through the writer in every format, so the
// fuzzer checks the writer too. The same function replays the committed corpus under CTest
// (replay_main.cpp), built by any compiler.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <span>
#include <string>
#include "common/error.hpp"
#include "io/npy_reader.hpp"
#include "io/npy_writer.hpp"

namespace {

using namespace detaudit;

[[noreturn]] void bug(const char* what, const std::string& detail) {
    std::fprintf(stderr, "fuzz_npy: %s: %s\n", what, detail.c_str());
    std::abort();
}

void check_error(const Error& e, const std::string& label) {
    const std::string message = e.what();
    if (e.kind() != ErrorKind::scenario) bug("error of the wrong kind", message);
    if (message.rfind(label, 0) != 0) bug("error does not start with the label", message);
    if (message.find('\n') != std::string::npos) bug("error message spans lines", message);
}

bool same(const Buffer& a, const Buffer& b) {
    return a.dtype() == b.dtype() && a.shape() == b.shape() && a.size_bytes() == b.size_bytes() &&
           (a.size_bytes() == 0 || std::memcmp(a.data(), b.data(), a.size_bytes()) == 0);
}

// Written in every version, byte order and memory order, the array reads back bit for bit.
void check_round_trip(const Buffer& b) {
    constexpr std::size_t k_max_round_trip_bytes = 1 << 16; // keeps each input fast
    if (b.size_bytes() > k_max_round_trip_bytes) return;
    for (NpyVersion v : {NpyVersion::automatic, NpyVersion::v1_0, NpyVersion::v2_0, NpyVersion::v3_0})
        for (ByteOrder e : {ByteOrder::little, ByteOrder::big})
            for (MemoryOrder o : {MemoryOrder::c, MemoryOrder::fortran}) {
                const std::string bytes = npy_bytes(b, {v, e, o});
                const Buffer back = parse_npy(std::as_bytes(std::span(bytes.data(), bytes.size())), "round trip");
                if (!same(b, back)) bug("round trip changed the array", std::string(npy_version_name(v)));
            }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
    const std::span<const std::byte> bytes(reinterpret_cast<const std::byte*>(data), size);
    try {
        check_round_trip(parse_npy(bytes, "input.npy"));
    } catch (const Error& e) {
        check_error(e, "input.npy");
    }
    try {
        for (const NamedBuffer& member : parse_npz(bytes, "input.npz")) check_round_trip(member.buffer);
    } catch (const Error& e) {
        check_error(e, "input.npz");
    }
    return 0;
}
