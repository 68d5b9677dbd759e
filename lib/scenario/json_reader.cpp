#include "json_reader.hpp"
#include <istream>
#include <optional>
#include <set>
#include <streambuf>
#include <vector>
#include "common/error.hpp"
#include "common/json_path.hpp"

namespace detaudit {
namespace {

using Json = nlohmann::json;

// The text as a stream without a copy, that says how many bytes the parser has read: SAX events
// carry no position, and a repeated key must be shown where it is.
class TextBuffer : public std::streambuf {
public:
    explicit TextBuffer(const std::string& text) {
        char* begin = const_cast<char*>(text.data()); // only read: std::streambuf wants char*
        setg(begin, begin, begin + text.size());
    }
    std::size_t consumed() const { return static_cast<std::size_t>(gptr() - eback()); }
};

struct Failure {
    std::size_t byte; // 1-based, as line_column takes it
    std::string message;
};

// The byte (1-based) of the opening quote of the string whose closing quote is byte `end`.
std::size_t string_start(const std::string& text, std::size_t end) {
    if (end < 2 || end > text.size()) return end;
    for (std::size_t j = end - 2;; --j) {
        if (text[j] == '"') {
            std::size_t backslashes = 0;
            while (backslashes < j && text[j - 1 - backslashes] == '\\') ++backslashes;
            if (backslashes % 2 == 0) return j + 1;
        }
        if (j == 0) return end;
    }
}

std::string shortened(const std::string& token) {
    if (token.size() <= 24) return token;
    return token.substr(0, 20) + "... (" + std::to_string(token.size()) + " characters)";
}

// nlohmann's SAX interface: builds the document with nlohmann's own DOM builder and refuses what
// the scenario format does not allow.
class StrictSax {
public:
    StrictSax(Json& root, const TextBuffer& buffer, const std::string& text)
        : m_dom(root, false), m_buffer(buffer), m_text(text) {}

    bool null() { return element() && m_dom.null(); }
    bool boolean(bool v) { return element() && m_dom.boolean(v); }
    bool number_integer(Json::number_integer_t v) { return element() && m_dom.number_integer(v); }
    bool number_unsigned(Json::number_unsigned_t v) { return element() && m_dom.number_unsigned(v); }
    bool number_float(Json::number_float_t v, const std::string& s) { return element() && m_dom.number_float(v, s); }
    bool string(std::string& v) { return element() && m_dom.string(v); }
    bool binary(Json::binary_t& v) { return element() && m_dom.binary(v); }
    bool start_object(std::size_t n) {
        element();
        m_frames.push_back({true, {}, {}, 0});
        return m_dom.start_object(n);
    }
    bool key(std::string& k) {
        Frame& object = m_frames.back();
        if (!object.keys.insert(k).second) {
            const std::size_t end = m_buffer.consumed();
            m_failure = Failure{string_start(m_text, end), pointer_of(k) + ": the key " + Json(k).dump(-1, ' ', false, Json::error_handler_t::replace) +
                                                               " is given twice in this object (each key once)"};
            return false;
        }
        object.key = k;
        return m_dom.key(k);
    }
    bool end_object() {
        m_frames.pop_back();
        return m_dom.end_object();
    }
    bool start_array(std::size_t n) {
        element();
        m_frames.push_back({false, {}, {}, 0});
        return m_dom.start_array(n);
    }
    bool end_array() {
        m_frames.pop_back();
        return m_dom.end_array();
    }
    bool parse_error(std::size_t position, const std::string& token, const nlohmann::detail::exception& e) {
        if (e.id == 406) { // out_of_range: number overflow
            const std::size_t start = position >= token.size() ? position - token.size() + 1 : position;
            m_failure = Failure{start, "number out of range: " + shortened(token) +
                                           " does not fit a double (about ±1.8e308 at most)"};
            return false;
        }
        // nlohmann's message starts with "[json.exception.parse_error.101] parse error at line
        // ...": keep only the part after the location, prefixed with ours.
        const std::string what = e.what();
        const auto colon = what.find(": ", what.find("parse error"));
        m_failure = Failure{position, "malformed JSON: " + (colon == std::string::npos ? what : what.substr(colon + 2))};
        return false;
    }

    std::optional<Failure> m_failure;

private:
    struct Frame {
        bool object;
        std::set<std::string> keys;
        std::string key;   // object: the member being read
        std::size_t count; // array: elements started
    };

    // Counts array elements, so a pointer can name the one being read.
    bool element() {
        if (!m_frames.empty() && !m_frames.back().object) ++m_frames.back().count;
        return true;
    }

    // The JSON pointer of member `k` of the innermost object.
    std::string pointer_of(const std::string& k) const {
        std::string p;
        for (std::size_t i = 0; i + 1 < m_frames.size(); ++i)
            p = m_frames[i].object ? child_pointer(p, m_frames[i].key) : child_pointer(p, m_frames[i].count - 1);
        return child_pointer(p, k);
    }

    nlohmann::detail::json_sax_dom_parser<Json> m_dom;
    const TextBuffer& m_buffer;
    const std::string& m_text;
    std::vector<Frame> m_frames;
};

} // namespace

std::string line_column(const std::string& text, std::size_t byte) {
    std::size_t line = 1, column = 1;
    for (std::size_t i = 0; i + 1 < byte && i < text.size(); ++i) {
        if (text[i] == '\n') {
            ++line;
            column = 1;
        } else {
            ++column;
        }
    }
    return std::to_string(line) + ":" + std::to_string(column);
}

Json parse_strict_json(const std::string& text, const std::string& display_path) {
    auto fail = [&](std::size_t byte, const std::string& message) {
        throw Error(ErrorKind::scenario, display_path + ":" + line_column(text, byte) + ": " + message);
    };
    // nlohmann ends its input at a NUL byte, so whatever follows one would be ignored.
    if (const auto nul = text.find('\0'); nul != std::string::npos)
        fail(nul + 1, "malformed JSON: a NUL byte (a scenario is UTF-8 text)");
    Json root;
    TextBuffer buffer(text);
    std::istream in(&buffer);
    StrictSax sax(root, buffer, text);
    const bool ok = Json::sax_parse(in, &sax, Json::input_format_t::json, true, false);
    if (sax.m_failure) fail(sax.m_failure->byte, sax.m_failure->message);
    if (!ok) fail(text.size(), "malformed JSON");
    return root;
}

} // namespace detaudit
