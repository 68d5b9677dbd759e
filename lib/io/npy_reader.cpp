#include "npy_reader.hpp"
#include <algorithm>
#include <bit>
#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <limits>
#include <memory>
#include <new>
#include <optional>
#include <set>
#include <string_view>
#include <zip.h>
#include "common/error.hpp"
#include "npy_layout.hpp"

namespace detaudit {
namespace {

namespace fs = std::filesystem;

static_assert(std::endian::native == std::endian::little, "buffers hold little-endian elements");

// The format (numpy/lib/format.py, NEP 1): magic "\x93NUMPY", major and minor version bytes, the
// header length (u16 little-endian in 1.0, u32 in 2.0 and 3.0), then the header: a Python dict
// literal {'descr': ..., 'fortran_order': ..., 'shape': ...} padded with spaces and ending in
// '\n' (latin-1 in 1.0/2.0, utf-8 in 3.0), then the data.
constexpr std::string_view k_magic = "\x93NUMPY";
// Headers of plain dtypes take a few hundred bytes; numpy itself refuses over 10000 by default.
constexpr std::size_t k_max_header_bytes = std::size_t{1} << 20;
constexpr std::size_t k_max_dims = 64; // numpy's NPY_MAXDIMS
constexpr int k_max_nesting = 16;
// Deflate cannot expand more than about 1032:1; a member claiming more is corrupt.
constexpr uint64_t k_max_deflate_ratio = 1032;

[[noreturn]] void fail(const std::string& label, const std::string& what) {
    throw Error(ErrorKind::scenario, label + ": " + what);
}

// --- where the bytes come from ----------------------------------------------------------------

class Source {
public:
    virtual ~Source() = default;
    // Up to `n` bytes into `dst`; fewer only at the end. Throws Error on a read failure.
    virtual std::size_t read(std::byte* dst, std::size_t n) = 0;
    uint64_t size = 0; // total bytes the source says it holds
};

class MemorySource final : public Source {
public:
    explicit MemorySource(std::span<const std::byte> bytes) : m_bytes(bytes) { size = bytes.size(); }
    std::size_t read(std::byte* dst, std::size_t n) override {
        n = std::min(n, m_bytes.size() - m_pos);
        if (n) std::memcpy(dst, m_bytes.data() + m_pos, n);
        m_pos += n;
        return n;
    }

private:
    std::span<const std::byte> m_bytes;
    std::size_t m_pos = 0;
};

struct FileCloser {
    void operator()(std::FILE* f) const { std::fclose(f); }
};

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

class FileSource final : public Source {
public:
    explicit FileSource(std::string path) : m_path(std::move(path)), m_file(open_file(m_path, &size)) {}
    std::size_t read(std::byte* dst, std::size_t n) override {
        const std::size_t got = std::fread(dst, 1, n, m_file.get());
        if (got < n && std::ferror(m_file.get())) fail(m_path, std::string("cannot read: ") + std::strerror(errno));
        return got;
    }

private:
    std::string m_path;
    std::unique_ptr<std::FILE, FileCloser> m_file;
};

class ZipMemberSource final : public Source {
public:
    ZipMemberSource(zip_file_t* file, std::string label, uint64_t declared_size)
        : m_file(file), m_label(std::move(label)) {
        size = declared_size;
    }
    ~ZipMemberSource() override { zip_fclose(m_file); }
    ZipMemberSource(const ZipMemberSource&) = delete;
    ZipMemberSource& operator=(const ZipMemberSource&) = delete;

    std::size_t read(std::byte* dst, std::size_t n) override {
        std::size_t total = 0;
        while (total < n) {
            // zip_fread takes a 64-bit count; stay well inside it per call.
            const std::size_t want = std::min<std::size_t>(n - total, std::size_t{1} << 30);
            const zip_int64_t got = zip_fread(m_file, dst + total, want);
            if (got < 0) fail(m_label, std::string("cannot read: ") + zip_strerror_of_file());
            if (got == 0) break;
            total += static_cast<std::size_t>(got);
        }
        return total;
    }

    // Reads to the end, so that libzip checks the member's CRC.
    void drain() {
        std::byte scratch[4096];
        while (read(scratch, sizeof scratch) == sizeof scratch) {
        }
    }

private:
    const char* zip_strerror_of_file() { return zip_error_strerror(zip_file_get_error(m_file)); }
    zip_file_t* m_file;
    std::string m_label;
};

std::size_t read_exactly(Source& src, std::byte* dst, std::size_t n) {
    std::size_t total = 0;
    while (total < n) {
        const std::size_t got = src.read(dst + total, n - total);
        if (got == 0) break;
        total += got;
    }
    return total;
}

// --- the header: a small parser for the Python literals numpy writes ----------------------------

struct PyValue {
    enum class Kind { string, boolean, integer, none, tuple, list, dict };
    Kind kind = Kind::none;
    std::string text;             // string
    bool flag = false;            // boolean
    bool negative = false;        // integer: sign and magnitude
    uint64_t magnitude = 0;
    bool overflow = false;        // integer: more than 64 bits
    std::vector<PyValue> items;   // tuple, list; dict: key, value, key, value...
};

class HeaderParser {
public:
    HeaderParser(std::string_view text, const std::string& label) : m_text(text), m_label(label) {}

    PyValue parse() {
        skip_space();
        if (peek() != '{') error("expected '{' at the start of the dictionary");
        PyValue v = value(0);
        skip_space();
        if (m_pos != m_text.size()) error("unexpected text after the dictionary");
        return v;
    }

private:
    [[noreturn]] void error(const std::string& what) const {
        fail(m_label, "malformed .npy header: " + what + " (at byte " + std::to_string(m_pos) + " of the header)");
    }
    char peek() const { return m_pos < m_text.size() ? m_text[m_pos] : '\0'; }
    bool at_end() const { return m_pos >= m_text.size(); }
    void skip_space() {
        while (!at_end() && (peek() == ' ' || peek() == '\t' || peek() == '\n' || peek() == '\r')) ++m_pos;
    }
    void expect(char c) {
        skip_space();
        if (peek() != c) error(std::string("expected '") + c + "'");
        ++m_pos;
    }

    PyValue value(int depth) {
        if (depth > k_max_nesting) error("nested too deeply");
        skip_space();
        if (at_end()) error("unexpected end of header");
        const char c = peek();
        if (c == '{') return dict(depth);
        if (c == '(' || c == '[') return sequence(depth);
        if (c == '\'' || c == '"') return string();
        if ((c == 'u' || c == 'b') && m_pos + 1 < m_text.size() && (m_text[m_pos + 1] == '\'' || m_text[m_pos + 1] == '"')) {
            ++m_pos; // u'...' (numpy under Python 2) or b'...'
            return string();
        }
        if (c == '-' || (c >= '0' && c <= '9')) return integer();
        if (c == 'T' || c == 'F' || c == 'N') return word();
        error(std::string("unexpected character '") + (c >= ' ' && c <= '~' ? std::string(1, c) : "?") + "'");
    }

    PyValue dict(int depth) {
        PyValue d;
        d.kind = PyValue::Kind::dict;
        ++m_pos; // '{'
        skip_space();
        while (peek() != '}') {
            PyValue key = value(depth + 1);
            if (key.kind != PyValue::Kind::string) error("dictionary keys must be strings");
            expect(':');
            PyValue v = value(depth + 1);
            d.items.push_back(std::move(key));
            d.items.push_back(std::move(v));
            skip_space();
            if (peek() == ',') {
                ++m_pos;
                skip_space();
            } else if (peek() != '}') {
                error("expected ',' or '}'");
            }
        }
        ++m_pos; // '}'
        return d;
    }

    // (a, b), (a,), (), [a, b]. Python's (a) is a itself, not a tuple.
    PyValue sequence(int depth) {
        const char close = peek() == '(' ? ')' : ']';
        PyValue s;
        s.kind = close == ')' ? PyValue::Kind::tuple : PyValue::Kind::list;
        ++m_pos;
        skip_space();
        bool comma = false;
        while (peek() != close) {
            s.items.push_back(value(depth + 1));
            skip_space();
            if (peek() == ',') {
                comma = true;
                ++m_pos;
                skip_space();
            } else if (peek() != close) {
                error(std::string("expected ',' or '") + close + "'");
            }
        }
        ++m_pos;
        if (close == ')' && s.items.size() == 1 && !comma) return std::move(s.items[0]);
        return s;
    }

    PyValue string() {
        const char quote = peek();
        ++m_pos;
        PyValue s;
        s.kind = PyValue::Kind::string;
        while (true) {
            if (at_end() || peek() == '\n') error("unterminated string");
            const char c = m_text[m_pos++];
            if (c == quote) break;
            if (c == '\\') {
                if (at_end()) error("unterminated string");
                s.text += m_text[m_pos++];
            } else {
                s.text += c;
            }
        }
        return s;
    }

    PyValue integer() {
        PyValue v;
        v.kind = PyValue::Kind::integer;
        if (peek() == '-') {
            v.negative = true;
            ++m_pos;
        }
        if (!(peek() >= '0' && peek() <= '9')) error("expected a digit");
        while (peek() >= '0' && peek() <= '9') {
            const auto digit = static_cast<uint64_t>(peek() - '0');
            if (v.magnitude > (std::numeric_limits<uint64_t>::max() - digit) / 10) v.overflow = true;
            else v.magnitude = v.magnitude * 10 + digit;
            ++m_pos;
        }
        if (peek() == 'L' || peek() == 'l') ++m_pos; // Python 2 long, as old numpy wrote shapes
        return v;
    }

    PyValue word() {
        std::size_t end = m_pos;
        while (end < m_text.size() && ((m_text[end] >= 'a' && m_text[end] <= 'z') || (m_text[end] >= 'A' && m_text[end] <= 'Z')))
            ++end;
        const std::string_view w = m_text.substr(m_pos, end - m_pos);
        PyValue v;
        if (w == "True" || w == "False") {
            v.kind = PyValue::Kind::boolean;
            v.flag = w == "True";
        } else if (w == "None") {
            v.kind = PyValue::Kind::none;
        } else {
            error("unexpected word '" + std::string(w.substr(0, 32)) + "'");
        }
        m_pos = end;
        return v;
    }

    std::string_view m_text;
    const std::string& m_label;
    std::size_t m_pos = 0;
};

// --- the header's meaning --------------------------------------------------------------------

struct NpyHeader {
    DType dtype = DType::f32;
    bool big_endian = false;
    bool fortran_order = false;
    std::vector<std::size_t> shape;
    std::size_t elements = 1;
    std::size_t data_bytes = 0;
};

// For messages: at most 40 characters, anything outside printable ASCII as '?'.
std::string printable(std::string_view text) {
    std::string out(text.substr(0, 40));
    for (char& c : out)
        if (c < ' ' || c > '~') c = '?';
    return text.size() > 40 ? out + "..." : out;
}

// For member names in messages: control characters as '?', everything else (UTF-8 too) kept.
std::string without_control_characters(std::string text) {
    for (char& c : text)
        if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) c = '?';
    return text;
}

const char* k_supported_descrs = "b1, i1, i2, i4, i8, u1, u2, u4, u8, f2, f4, f8, c8, c16";

std::optional<DType> dtype_for(char kind, std::string_view size) {
    const std::string key = std::string(1, kind) + std::string(size);
    static const std::pair<const char*, DType> k_table[] = {
        {"b1", DType::bool_}, {"?", DType::bool_},  {"i1", DType::i8},   {"i2", DType::i16},
        {"i4", DType::i32},   {"i8", DType::i64},   {"u1", DType::u8},   {"u2", DType::u16},
        {"u4", DType::u32},   {"u8", DType::u64},   {"f2", DType::f16},  {"f4", DType::f32},
        {"f8", DType::f64},   {"c8", DType::c64},   {"c16", DType::c128},
    };
    for (const auto& [name, dtype] : k_table)
        if (key == name) return dtype;
    return std::nullopt;
}

void interpret_descr(const PyValue& v, const std::string& label, NpyHeader& h) {
    if (v.kind == PyValue::Kind::list || v.kind == PyValue::Kind::tuple)
        fail(label, "object/structured arrays are not supported (descr is a list of fields)");
    if (v.kind != PyValue::Kind::string) fail(label, "malformed .npy header: 'descr' must be a string");
    std::string_view d = v.text;
    const std::string quoted = "'" + printable(d) + "'";
    char order = '=';
    if (!d.empty() && (d[0] == '<' || d[0] == '>' || d[0] == '|' || d[0] == '=')) {
        order = d[0];
        d.remove_prefix(1);
    }
    if (d.empty()) fail(label, "malformed .npy header: empty descr");
    if (d[0] == 'O' || d[0] == 'V')
        fail(label, "object/structured arrays are not supported (descr " + quoted + ")");
    const auto dtype = dtype_for(d[0], d.substr(1));
    if (!dtype) fail(label, "unsupported dtype " + quoted + " (supported: " + k_supported_descrs + ")");
    h.dtype = *dtype;
    // '|' (not applicable) and '=' (native) both mean this machine's order: little-endian.
    h.big_endian = order == '>' && dtype_size(h.dtype) > 1;
}

std::string shape_text(const std::vector<uint64_t>& dims) {
    std::string out = "(";
    for (std::size_t i = 0; i < dims.size(); ++i) out += (i ? ", " : "") + std::to_string(dims[i]);
    return out + (dims.size() == 1 ? ",)" : ")");
}

void interpret_shape(const PyValue& v, const std::string& label, NpyHeader& h) {
    if (v.kind != PyValue::Kind::tuple) fail(label, "malformed .npy header: 'shape' must be a tuple of integers");
    if (v.items.size() > k_max_dims)
        fail(label, "malformed .npy header: " + std::to_string(v.items.size()) + " dimensions (at most " +
                        std::to_string(k_max_dims) + ")");
    std::vector<uint64_t> dims;
    bool overflow = false, zero = false;
    for (const PyValue& item : v.items) {
        if (item.kind != PyValue::Kind::integer) fail(label, "malformed .npy header: 'shape' must be a tuple of integers");
        if (item.negative && (item.magnitude != 0 || item.overflow))
            fail(label, "malformed .npy header: negative dimension in 'shape'");
        if (item.overflow) fail(label, "shape overflow: a dimension does not fit in 64 bits");
        dims.push_back(item.magnitude);
        zero = zero || item.magnitude == 0;
    }
    uint64_t elements = 1, bytes = 0;
    for (uint64_t d : dims) overflow = overflow || __builtin_mul_overflow(elements, d, &elements);
    if (!overflow) overflow = __builtin_mul_overflow(elements, static_cast<uint64_t>(dtype_size(h.dtype)), &bytes);
    if (zero) elements = bytes = 0; // an empty array, whatever the other dimensions say
    else if (overflow || bytes > std::numeric_limits<std::size_t>::max())
        fail(label, "shape overflow: shape " + shape_text(dims) + " of " + std::string(dtype_name(h.dtype)) +
                        " is more than 2^64 bytes");
    h.shape.assign(dims.begin(), dims.end());
    h.elements = static_cast<std::size_t>(elements);
    h.data_bytes = static_cast<std::size_t>(bytes);
}

NpyHeader interpret_header(std::string_view text, const std::string& label) {
    const PyValue dict = HeaderParser(text, label).parse();
    const PyValue *descr = nullptr, *fortran = nullptr, *shape = nullptr;
    for (std::size_t i = 0; i + 1 < dict.items.size(); i += 2) {
        const std::string& key = dict.items[i].text;
        const PyValue** slot = key == "descr" ? &descr : key == "fortran_order" ? &fortran : key == "shape" ? &shape : nullptr;
        if (!slot)
            fail(label, "malformed .npy header: unexpected key '" + printable(key) +
                            "' (expected 'descr', 'fortran_order', 'shape')");
        if (*slot) fail(label, "malformed .npy header: key '" + printable(key) + "' appears twice");
        *slot = &dict.items[i + 1];
    }
    const std::pair<const PyValue*, const char*> required[] = {{descr, "descr"}, {fortran, "fortran_order"}, {shape, "shape"}};
    for (const auto& [value, name] : required)
        if (!value) fail(label, std::string("malformed .npy header: missing key '") + name + "'");
    NpyHeader h;
    interpret_descr(*descr, label, h);
    if (fortran->kind != PyValue::Kind::boolean) fail(label, "malformed .npy header: 'fortran_order' must be True or False");
    h.fortran_order = fortran->flag;
    interpret_shape(*shape, label, h);
    return h;
}

// --- the data ------------------------------------------------------------------------------

Buffer allocate(const NpyHeader& h, const std::string& label) {
    try {
        return Buffer(h.dtype, h.shape);
    } catch (const std::bad_alloc&) {
        fail(label, "cannot allocate " + std::to_string(h.data_bytes) + " bytes for the array");
    }
}

// An array's elements arrive in C order unless it is Fortran order with two or more dimensions
// longer than 1 (otherwise the two orders are the same bytes).
bool needs_transpose(const NpyHeader& h) {
    std::size_t non_trivial_dims = 0;
    for (std::size_t d : h.shape) non_trivial_dims += d > 1;
    return h.fortran_order && non_trivial_dims > 1 && h.elements > 0;
}

// Reads the prefix and the header, and checks that the source holds the data they announce.
NpyHeader read_header(Source& src, const std::string& label) {
    std::byte prefix[12];
    const std::size_t got = read_exactly(src, prefix, 8);
    if (got < k_magic.size() || std::memcmp(prefix, k_magic.data(), k_magic.size()) != 0)
        fail(label, "not a .npy file (bad magic: expected \\x93NUMPY)");
    if (got < 8) fail(label, "truncated .npy header: the file ends after " + std::to_string(got) + " bytes");
    const auto major = static_cast<unsigned>(prefix[6]), minor = static_cast<unsigned>(prefix[7]);
    if (major < 1 || major > 3 || minor != 0)
        fail(label, "unsupported .npy format version " + std::to_string(major) + "." + std::to_string(minor) +
                        " (supported: 1.0, 2.0, 3.0)");
    const std::size_t length_bytes = major == 1 ? 2 : 4;
    if (read_exactly(src, prefix + 8, length_bytes) < length_bytes)
        fail(label, "truncated .npy header: the file ends inside the header length");
    uint64_t header_len = 0;
    for (std::size_t i = 0; i < length_bytes; ++i) header_len |= static_cast<uint64_t>(prefix[8 + i]) << (8 * i);
    const uint64_t prefix_len = 8 + length_bytes;
    if (header_len > k_max_header_bytes)
        fail(label, ".npy header too long: " + std::to_string(header_len) + " bytes (at most " +
                        std::to_string(k_max_header_bytes) + ")");
    std::string header(static_cast<std::size_t>(header_len), '\0');
    const std::size_t header_got = read_exactly(src, reinterpret_cast<std::byte*>(header.data()), header.size());
    if (header_got < header.size())
        fail(label, "truncated .npy header: expected " + std::to_string(header_len) + " bytes, got " +
                        std::to_string(header_got));
    const NpyHeader h = interpret_header(header, label);

    // Check the size before allocating, so a lying header cannot ask for terabytes.
    const uint64_t available = src.size >= prefix_len + header_len ? src.size - prefix_len - header_len : 0;
    if (available < h.data_bytes)
        fail(label, "truncated data: expected " + std::to_string(h.data_bytes) + " bytes, got " + std::to_string(available));
    return h;
}

Buffer load(Source& src, const std::string& label) {
    const NpyHeader h = read_header(src, label);
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

// --- zip archives ---------------------------------------------------------------------------

struct ZipCloser {
    void operator()(zip_t* z) const { zip_discard(z); } // read-only: nothing to write back
};

std::string zip_error_text(int code) {
    zip_error_t error;
    zip_error_init_with_code(&error, code);
    std::string text = zip_error_strerror(&error);
    zip_error_fini(&error);
    return text;
}

// The .npy members of an open archive, in archive order; `path` names the archive in errors.
std::vector<NamedBuffer> npz_members(zip_t* archive, const std::string& path) {
    const zip_int64_t entries = zip_get_num_entries(archive, 0);
    std::vector<NamedBuffer> out;
    std::set<std::string> names;
    for (zip_int64_t i = 0; i < entries; ++i) {
        const auto index = static_cast<zip_uint64_t>(i);
        zip_stat_t st;
        zip_stat_init(&st);
        if (zip_stat_index(archive, index, 0, &st) != 0 || !(st.valid & ZIP_STAT_NAME) || !(st.valid & ZIP_STAT_SIZE))
            fail(path, "cannot read member " + std::to_string(i) + ": " + zip_strerror(archive));
        const std::string member = st.name;
        if (!member.empty() && member.back() == '/') continue; // a directory entry
        // The name is whatever bytes the archive holds: control characters (a newline) would
        // break the one-line error messages.
        const std::string label = path + ":" + without_control_characters(member);
        constexpr std::string_view k_suffix = ".npy";
        if (member.size() <= k_suffix.size() || !member.ends_with(k_suffix))
            fail(label, "not a .npy member (an .npz holds only .npy files)");
        std::string name = member.substr(0, member.size() - k_suffix.size());
        if (!names.insert(name).second) fail(label, "the archive holds this member twice");
        if ((st.valid & ZIP_STAT_COMP_SIZE) && st.comp_size < st.size / k_max_deflate_ratio)
            fail(label, "corrupt archive: " + std::to_string(st.size) + " bytes claimed from " +
                            std::to_string(st.comp_size) + " compressed bytes");
        zip_file_t* file = zip_fopen_index(archive, index, 0);
        if (!file) fail(label, std::string("cannot open the member: ") + zip_strerror(archive));
        ZipMemberSource src(file, label, st.size);
        Buffer buffer = load(src, label);
        src.drain();
        out.push_back({std::move(name), std::move(buffer)});
    }
    return out;
}

} // namespace

Buffer parse_npy(std::span<const std::byte> bytes, const std::string& label) {
    MemorySource src(bytes);
    return load(src, label);
}

Buffer read_npy(const std::string& path) {
    FileSource src(path);
    return load(src, path);
}

std::vector<NamedBuffer> read_npz(const std::string& path) {
    open_file(path, nullptr); // the same messages as .npy for missing files and directories
    int code = 0;
    std::unique_ptr<zip_t, ZipCloser> archive(zip_open(path.c_str(), ZIP_RDONLY, &code));
    if (!archive) fail(path, "not a readable .npz (zip) archive: " + zip_error_text(code));
    return npz_members(archive.get(), path);
}

std::vector<NamedBuffer> parse_npz(std::span<const std::byte> bytes, const std::string& label) {
    // libzip opens an empty source as a new, empty archive; an empty file is refused (as
    // read_npz does), while an empty archive (np.savez with no arrays) holds its 22-byte directory.
    if (bytes.empty()) fail(label, "not a readable .npz (zip) archive: " + zip_error_text(ZIP_ER_NOZIP));
    zip_error_t error;
    zip_error_init(&error);
    // The source only borrows the bytes (freep = 0); zip_open_from_source takes the source over
    // when it succeeds, and leaves it to us when it fails.
    zip_source_t* source = zip_source_buffer_create(bytes.data(), bytes.size(), 0, &error);
    if (!source) {
        const std::string text = zip_error_strerror(&error);
        zip_error_fini(&error);
        fail(label, "cannot read the archive: " + text);
    }
    std::unique_ptr<zip_t, ZipCloser> archive(zip_open_from_source(source, ZIP_RDONLY, &error));
    if (!archive) {
        zip_source_free(source);
        const std::string text = zip_error_strerror(&error);
        zip_error_fini(&error);
        fail(label, "not a readable .npz (zip) archive: " + text);
    }
    zip_error_fini(&error);
    return npz_members(archive.get(), label);
}

struct NpyFileReader::State {
    FileSource src;
    NpyHeader header;
    std::string path;
    std::size_t position = 0; // elements read so far
};

NpyFileReader::NpyFileReader(const std::string& path) : m(new State{FileSource(path), {}, path, 0}) {
    m->header = read_header(m->src, path);
}
NpyFileReader::~NpyFileReader() = default;

DType NpyFileReader::dtype() const { return m->header.dtype; }
const std::vector<std::size_t>& NpyFileReader::shape() const { return m->header.shape; }
std::size_t NpyFileReader::elements() const { return m->header.elements; }
bool NpyFileReader::c_order() const { return !needs_transpose(m->header); }

std::size_t NpyFileReader::read_elements(std::byte* dst, std::size_t count) {
    const NpyHeader& h = m->header;
    const std::size_t n = std::min(count, h.elements - m->position), width = dtype_size(h.dtype);
    const std::size_t got = read_exactly(m->src, dst, n * width);
    // The size was checked against the header when the file was opened: it shrank since.
    if (got < n * width)
        fail(m->path, "truncated data: the file ended " + std::to_string(n * width - got) + " bytes early while it was read");
    if (h.big_endian) swap_bytes(dst, n * width, is_complex(h.dtype) ? width / 2 : width);
    m->position += n;
    return n;
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
