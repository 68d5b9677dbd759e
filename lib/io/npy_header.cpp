#include <bit>
#include <cstdint>
#include <limits>
#include <optional>
#include <string_view>
#include "common/error.hpp"
#include "npy_internal.hpp"

namespace detaudit::npy_detail {
namespace {

// The format (numpy/lib/format.py, NEP 1): magic "\x93NUMPY", major and minor version bytes, the
// header length (u16 little-endian in 1.0, u32 in 2.0 and 3.0), then the header: a Python dict
// literal {'descr': ..., 'fortran_order': ..., 'shape': ...} padded with spaces and ending in
// '\n' (latin-1 in 1.0/2.0, utf-8 in 3.0), then the data.
constexpr std::string_view k_magic = "\x93NUMPY";
// Headers of plain dtypes take a few hundred bytes; numpy itself refuses over 10000 by default.
constexpr std::size_t k_max_header_bytes = std::size_t{1} << 20;
constexpr std::size_t k_max_dims = 64; // numpy's NPY_MAXDIMS
constexpr int k_max_nesting = 16;


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

// For messages: at most 40 characters, anything outside printable ASCII as '?'.
std::string printable(std::string_view text) {
    std::string out(text.substr(0, 40));
    for (char& c : out)
        if (c < ' ' || c > '~') c = '?';
    return text.size() > 40 ? out + "..." : out;
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


} // namespace

std::string without_control_characters(std::string text) {
    for (char& c : text)
        if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) c = '?';
    return text;
}

bool needs_transpose(const NpyHeader& h) {
    std::size_t non_trivial_dims = 0;
    for (std::size_t d : h.shape) non_trivial_dims += d > 1;
    return h.fortran_order && non_trivial_dims > 1 && h.elements > 0;
}

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

[[noreturn]] void fail(const std::string& label, const std::string& what) {
    throw Error(ErrorKind::scenario, label + ": " + what);
}

} // namespace detaudit::npy_detail
