#include "npy_reader.hpp"
#include <algorithm>
#include <bit>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <new>
#include "npy_internal.hpp"
#include "npy_layout.hpp"

namespace detaudit {

namespace fs = std::filesystem;

static_assert(std::endian::native == std::endian::little, "buffers hold little-endian elements");

namespace npy_detail {

std::unique_ptr<std::FILE, FileCloser> open_file(const std::string& path, uint64_t* size) {
    std::error_code ec;
    if (fs::is_directory(path, ec)) fail(path, "is a directory, not a .npy or .npz file");
    std::unique_ptr<std::FILE, FileCloser> f(std::fopen(path.c_str(), "rb"));
    if (!f) fail(path, std::string("cannot open: ") + std::strerror(errno));
    if (size) {
        const auto bytes = fs::file_size(path, ec);
        if (ec) fail(path, "cannot read its size: " + ec.message());
        *size = bytes;
    }
    return f;
}

std::size_t FileSource::read(std::byte* dst, std::size_t n) {
    const std::size_t got = std::fread(dst, 1, n, m_file.get());
    if (got < n && std::ferror(m_file.get())) fail(m_path, std::string("cannot read: ") + std::strerror(errno));
    return got;
}

std::size_t read_exactly(Source& src, std::byte* dst, std::size_t n) {
    std::size_t total = 0;
    while (total < n) {
        const std::size_t got = src.read(dst + total, n - total);
        if (got == 0) break;
        total += got;
    }
    return total;
}

namespace {

Buffer allocate(const NpyHeader& h, const std::string& label) {
    try {
        return Buffer(h.dtype, h.shape);
    } catch (const std::bad_alloc&) {
        fail(label, "cannot allocate " + std::to_string(h.data_bytes) + " bytes for the array");
    }
}

} // namespace

Buffer load(Source& src, const std::string& label) { return load_data(src, read_header(src, label), label); }

Buffer load_data(Source& src, const NpyHeader& h, const std::string& label) {
    const std::size_t width = dtype_size(h.dtype);
    const bool transpose = needs_transpose(h);

    Buffer out = allocate(h, label);
    Buffer raw = transpose ? allocate(h, label) : Buffer();
    std::byte* target = transpose ? raw.data() : out.data();
    const std::size_t data_got = read_exactly(src, target, h.data_bytes);
    if (data_got < h.data_bytes)
        fail(label, "truncated data: expected " + std::to_string(h.data_bytes) + " bytes, got " + std::to_string(data_got));
    if (h.big_endian) swap_bytes(target, h.data_bytes, is_complex(h.dtype) ? width / 2 : width);
    if (transpose) fortran_to_c(raw.data(), out.data(), h.shape, width);
    return out;
}

} // namespace npy_detail

using namespace npy_detail;

Buffer parse_npy(std::span<const std::byte> bytes, const std::string& label) {
    MemorySource src(bytes);
    return load(src, label);
}

Buffer read_npy(const std::string& path) {
    FileSource src(path);
    return load(src, path);
}

struct NpyFileReader::State {
    std::unique_ptr<Source> src;
    NpyHeader header;
    std::string path;
    std::size_t position = 0; // elements read so far
};

NpyFileReader::NpyFileReader(const std::string& path) : NpyFileReader(std::make_unique<FileSource>(path), path) {}

NpyFileReader::NpyFileReader(std::unique_ptr<Source> src, std::string label)
    : m(new State{std::move(src), {}, std::move(label), 0}) {
    m->header = read_header(*m->src, m->path);
}
NpyFileReader::~NpyFileReader() = default;

DType NpyFileReader::dtype() const { return m->header.dtype; }
const std::vector<std::size_t>& NpyFileReader::shape() const { return m->header.shape; }
std::size_t NpyFileReader::elements() const { return m->header.elements; }
bool NpyFileReader::c_order() const { return !needs_transpose(m->header); }

std::size_t NpyFileReader::read_elements(std::byte* dst, std::size_t count) {
    const NpyHeader& h = m->header;
    const std::size_t n = std::min(count, h.elements - m->position), width = dtype_size(h.dtype);
    const std::size_t got = read_exactly(*m->src, dst, n * width);
    // The size was checked against the header when the file was opened: it shrank since.
    if (got < n * width)
        fail(m->path, "truncated data: the file ended " + std::to_string(n * width - got) + " bytes early while it was read");
    if (h.big_endian) swap_bytes(dst, n * width, is_complex(h.dtype) ? width / 2 : width);
    m->position += n;
    return n;
}

Buffer NpyFileReader::read_all() {
    if (m->position != 0) fail(m->path, "read_all after read_elements"); // a caller's bug, said plainly
    m->position = m->header.elements;
    return load_data(*m->src, m->header, m->path);
}

ArrayFileKind sniff_array_file(const std::string& path) {
    FileSource src(path);
    std::byte magic[4];
    const std::size_t got = read_exactly(src, magic, sizeof magic);
    // Local file header, or the end-of-central-directory record of an empty archive.
    if (got == 4 && (std::memcmp(magic, "PK\x03\x04", 4) == 0 || std::memcmp(magic, "PK\x05\x06", 4) == 0))
        return ArrayFileKind::npz;
    return ArrayFileKind::npy;
}

} // namespace detaudit
