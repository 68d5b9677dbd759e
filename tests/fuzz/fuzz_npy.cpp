// libFuzzer target for the .npy/.npz reader (docs/npy.md, "Fuzzing"): every input goes through
// parse_npy and parse_npz. Each must return an array or throw detaudit::Error with one line that
// names the input; anything else (a crash, a sanitizer report, another exception, a leak) is a bug.
// The input is also written to a file and read by the path-taking readers (read_npy, read_npz,
// NpyFileReader), which must agree with the in-memory ones. An array that parses must survive a
// round trip through the writer in every format, so the fuzzer checks the writer too. The same
// function replays the committed corpus under CTest (replay_main.cpp), built by any compiler.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <optional>
#include <span>
#include <string>
#include <unistd.h>
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

// One scratch file per process, rewritten for each input and removed at exit. In /dev/shm where
// there is one: on ext4, rewriting a truncated file starts writeback at every close (auto_da_alloc),
// which cut the fuzzer from ~15000 to ~300 inputs a second.
class ScratchFile {
public:
    ScratchFile() : m_path((scratch_dir() / ("fuzz_npy-" + std::to_string(::getpid()) + ".bin")).string()) {}
    ~ScratchFile() { std::remove(m_path.c_str()); }
    ScratchFile(const ScratchFile&) = delete;
    ScratchFile& operator=(const ScratchFile&) = delete;
    const std::string& write(std::span<const std::byte> bytes) const {
        std::FILE* f = std::fopen(m_path.c_str(), "wb");
        // fwrite's buffer may not be null, which an empty input's may be.
        if (!f || (!bytes.empty() && std::fwrite(bytes.data(), 1, bytes.size(), f) != bytes.size()) || std::fclose(f) != 0)
            bug("cannot write the scratch file", m_path);
        return m_path;
    }

private:
    static std::filesystem::path scratch_dir() {
        std::error_code ec;
        return std::filesystem::is_directory("/dev/shm", ec) ? "/dev/shm" : std::filesystem::temp_directory_path();
    }
    std::string m_path;
};

// read_npy and NpyFileReader on the file agree with parse_npy on the bytes: the same array, or
// the same error after the label.
void check_npy_file(const std::string& path, const std::optional<Buffer>& parsed, const std::string& parse_error) {
    const std::string parse_reason = parsed ? "" : parse_error.substr(std::string("input.npy").size());
    try {
        const Buffer from_file = read_npy(path);
        if (!parsed) bug("read_npy accepted what parse_npy refused", parse_error);
        if (!same(*parsed, from_file)) bug("read_npy and parse_npy read different arrays", path);
    } catch (const Error& e) {
        check_error(e, path);
        if (parsed) bug("read_npy refused what parse_npy accepted", e.what());
        if (std::string(e.what()).substr(path.size()) != parse_reason) bug("read_npy and parse_npy give different errors", e.what());
    }
    try {
        NpyFileReader reader(path);
        if (!parsed) bug("NpyFileReader accepted what parse_npy refused", parse_error);
        if (reader.dtype() != parsed->dtype() || reader.shape() != parsed->shape() || reader.elements() != parsed->elements())
            bug("NpyFileReader and parse_npy read different headers", path);
        if (!reader.c_order()) return;
        // Pieces of 3 elements: every piece boundary and the short last piece are exercised.
        Buffer pieces(parsed->dtype(), parsed->shape());
        const std::size_t width = dtype_size(parsed->dtype());
        for (std::size_t done = 0; done < pieces.elements();) {
            const std::size_t got = reader.read_elements(pieces.data() + done * width, 3);
            if (got == 0) bug("NpyFileReader ended early", path);
            done += got;
        }
        if (reader.read_elements(pieces.data(), 3) != 0) bug("NpyFileReader read past the end", path);
        if (!same(*parsed, pieces)) bug("NpyFileReader and parse_npy read different elements", path);
    } catch (const Error& e) {
        check_error(e, path);
        if (parsed) bug("NpyFileReader refused what parse_npy accepted", e.what());
    }
}

// read_npz on the file agrees with parse_npz on the bytes: the same members, or both refuse
// (libzip's file and memory sources may word the same fault differently).
void check_npz_file(const std::string& path, const std::optional<std::vector<NamedBuffer>>& parsed) {
    try {
        const std::vector<NamedBuffer> from_file = read_npz(path);
        if (!parsed) bug("read_npz accepted what parse_npz refused", path);
        if (from_file.size() != parsed->size()) bug("read_npz and parse_npz read different member counts", path);
        for (std::size_t i = 0; i < from_file.size(); ++i)
            if (from_file[i].name != (*parsed)[i].name || !same(from_file[i].buffer, (*parsed)[i].buffer))
                bug("read_npz and parse_npz read different members", from_file[i].name);
    } catch (const Error& e) {
        check_error(e, path);
        if (parsed) bug("read_npz refused what parse_npz accepted", e.what());
    }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
    static const ScratchFile scratch;
    const std::span<const std::byte> bytes(reinterpret_cast<const std::byte*>(data), size);
    const std::string& path = scratch.write(bytes);

    std::optional<Buffer> npy;
    std::string npy_error;
    try {
        npy = parse_npy(bytes, "input.npy");
        check_round_trip(*npy);
    } catch (const Error& e) {
        check_error(e, "input.npy");
        npy_error = e.what();
    }
    check_npy_file(path, npy, npy_error);

    std::optional<std::vector<NamedBuffer>> npz;
    try {
        npz = parse_npz(bytes, "input.npz");
        for (const NamedBuffer& member : *npz) check_round_trip(member.buffer);
    } catch (const Error& e) {
        check_error(e, "input.npz");
    }
    check_npz_file(path, npz);
    return 0;
}
