#include "trace/trace_line.hpp"
#include <charconv>

namespace detaudit::trace {
namespace {

// A cursor over one line; every failure throws a ParseFailure with the phrase for the user.
struct ParseFailure {
    std::string message;
};

class Cursor {
public:
    explicit Cursor(std::string_view text) : m_text(text) {}

    void skip_space() {
        while (m_pos < m_text.size() && (m_text[m_pos] == ' ' || m_text[m_pos] == '\t' || m_text[m_pos] == '\r'))
            ++m_pos;
    }
    bool at_end() const { return m_pos >= m_text.size(); }
    char peek() {
        skip_space();
        return at_end() ? '\0' : m_text[m_pos];
    }
    void expect(char c) {
        if (peek() != c) fail(std::string("expected '") + c + "'");
        ++m_pos;
    }
    bool accept(char c) {
        if (peek() != c) return false;
        ++m_pos;
        return true;
    }
    [[noreturn]] void fail(const std::string& what) const {
        throw ParseFailure{what + " at column " + std::to_string(m_pos + 1)};
    }

    std::string string() {
        expect('"');
        std::string out;
        while (true) {
            // Plain runs in one append: names and digests rarely hold escapes.
            std::size_t run = m_pos;
            while (run < m_text.size() && m_text[run] != '"' && m_text[run] != '\\' &&
                   static_cast<unsigned char>(m_text[run]) >= 0x20)
                ++run;
            out.append(m_text.data() + m_pos, run - m_pos);
            m_pos = run;
            if (at_end()) fail("unterminated string");
            const char c = m_text[m_pos++];
            if (c == '"') return out;
            if (static_cast<unsigned char>(c) < 0x20) fail("control character in string");
            if (c != '\\') {
                out += c;
                continue;
            }
            if (at_end()) fail("unterminated string");
            const char e = m_text[m_pos++];
            switch (e) {
            case '"': case '\\': case '/': out += e; break;
            case 'b': out += '\b'; break;
            case 'f': out += '\f'; break;
            case 'n': out += '\n'; break;
            case 'r': out += '\r'; break;
            case 't': out += '\t'; break;
            case 'u': append_code_unit(out); break;
            default: fail("bad escape in string");
            }
        }
    }

    int64_t integer() {
        skip_space();
        int64_t v = 0;
        const char* begin = m_text.data() + m_pos;
        const auto [ptr, ec] = std::from_chars(begin, m_text.data() + m_text.size(), v);
        if (ec != std::errc() || (ptr < m_text.data() + m_text.size() && (*ptr == '.' || *ptr == 'e' || *ptr == 'E')))
            fail("expected an integer");
        m_pos += static_cast<std::size_t>(ptr - begin);
        return v;
    }

    // Any JSON value, discarded (unknown keys).
    void skip_value(int depth = 0) {
        if (depth > 64) fail("nesting too deep");
        const char c = peek();
        if (c == '"') {
            string();
        } else if (c == '{' || c == '[') {
            const char close = c == '{' ? '}' : ']';
            ++m_pos;
            if (accept(close)) return;
            do {
                if (c == '{') {
                    string();
                    expect(':');
                }
                skip_value(depth + 1);
            } while (accept(','));
            expect(close);
        } else if (c == '-' || (c >= '0' && c <= '9')) {
            const std::size_t start = m_pos;
            while (!at_end() && std::string_view("+-.eE0123456789").find(m_text[m_pos]) != std::string_view::npos)
                ++m_pos;
            double d = 0;
            const auto [ptr, ec] = std::from_chars(m_text.data() + start, m_text.data() + m_pos, d);
            if (ec != std::errc() || ptr != m_text.data() + m_pos) fail("bad number");
        } else {
            for (std::string_view word : {"true", "false", "null"})
                if (m_text.substr(m_pos, word.size()) == word) {
                    m_pos += word.size();
                    return;
                }
            fail("expected a value");
        }
    }

private:
    void append_code_unit(std::string& out) {
        if (m_pos + 4 > m_text.size()) fail("bad \\u escape");
        unsigned v = 0;
        const auto [ptr, ec] = std::from_chars(m_text.data() + m_pos, m_text.data() + m_pos + 4, v, 16);
        if (ec != std::errc() || ptr != m_text.data() + m_pos + 4) fail("bad \\u escape");
        m_pos += 4;
        // Names are compared, not displayed exactly: UTF-8 of the code unit (surrogates as is).
        if (v < 0x80) {
            out += static_cast<char>(v);
        } else if (v < 0x800) {
            out += static_cast<char>(0xC0 | (v >> 6));
            out += static_cast<char>(0x80 | (v & 0x3F));
        } else {
            out += static_cast<char>(0xE0 | (v >> 12));
            out += static_cast<char>(0x80 | ((v >> 6) & 0x3F));
            out += static_cast<char>(0x80 | (v & 0x3F));
        }
    }

    std::string_view m_text;
    std::size_t m_pos = 0;
};

template <typename T, typename Read> std::vector<T> array_of(Cursor& c, const char* key, Read read) {
    if (c.peek() != '[') c.fail(std::string("\"") + key + "\" must be an array");
    c.expect('[');
    std::vector<T> out;
    if (c.accept(']')) return out;
    do out.push_back(read());
    while (c.accept(','));
    c.expect(']');
    return out;
}

void parse_member(Cursor& c, const std::string& key, TraceLine& out) {
    auto str = [&](std::optional<std::string>& field) {
        if (c.peek() != '"') c.fail("\"" + key + "\" must be a string");
        field = c.string();
    };
    auto integer = [&](std::optional<int64_t>& field) {
        const char p = c.peek();
        if (p != '-' && (p < '0' || p > '9')) c.fail("\"" + key + "\" must be an integer");
        field = c.integer();
    };
    if (key == "seq") integer(out.seq);
    else if (key == "detaudit_trace") integer(out.detaudit_trace);
    else if (key == "end") integer(out.end);
    else if (key == "name") str(out.name);
    else if (key == "dtype") str(out.dtype);
    else if (key == "digest") str(out.digest);
    else if (key == "values") str(out.values);
    else if (key == "producer") str(out.producer);
    else if (key == "shape") out.shape = array_of<int64_t>(c, "shape", [&] { return c.integer(); });
    else if (key == "inputs") out.inputs = array_of<std::string>(c, "inputs", [&] {
        if (c.peek() != '"') c.fail("\"inputs\" must hold digest strings");
        return c.string();
    });
    else c.skip_value();
}

} // namespace

std::string parse_trace_line(std::string_view text, TraceLine& out) {
    out = TraceLine{};
    try {
        Cursor c(text);
        c.expect('{');
        if (!c.accept('}')) {
            do {
                if (c.peek() != '"') c.fail("expected a key");
                const std::string key = c.string();
                c.expect(':');
                parse_member(c, key, out);
            } while (c.accept(','));
            c.expect('}');
        }
        c.skip_space();
        if (!c.at_end()) c.fail("text after the object");
    } catch (const ParseFailure& f) {
        return f.message;
    }
    return "";
}

} // namespace detaudit::trace
