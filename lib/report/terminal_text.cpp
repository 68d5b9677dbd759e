#include "terminal_text.hpp"
#include <cstdint>
#include <cstdio>

namespace detaudit {
namespace {

void hex_byte(std::string& out, unsigned char byte) {
    char text[8];
    std::snprintf(text, sizeof text, "\\x%02x", byte);
    out += text;
}

// The length of the UTF-8 sequence starting at text[i] and its code point; 0 when it is not a
// valid one (overlong forms and surrogates included).
std::size_t decode(std::string_view text, std::size_t i, uint32_t& cp) {
    const auto b = static_cast<unsigned char>(text[i]);
    std::size_t n = 0;
    uint32_t min = 0;
    if (b < 0x80) {
        cp = b;
        return 1;
    } else if ((b & 0xE0) == 0xC0) {
        n = 2, cp = b & 0x1F, min = 0x80;
    } else if ((b & 0xF0) == 0xE0) {
        n = 3, cp = b & 0x0F, min = 0x800;
    } else if ((b & 0xF8) == 0xF0) {
        n = 4, cp = b & 0x07, min = 0x10000;
    } else {
        return 0;
    }
    if (i + n > text.size()) return 0;
    for (std::size_t k = 1; k < n; ++k) {
        const auto c = static_cast<unsigned char>(text[i + k]);
        if ((c & 0xC0) != 0x80) return 0;
        cp = (cp << 6) | (c & 0x3F);
    }
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return 0;
    return n;
}

bool hidden(uint32_t cp) {
    return (cp >= 0x80 && cp <= 0x9F) || (cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069);
}

} // namespace

std::string escape_for_terminal(std::string_view text, Newlines newlines) {
    std::string out;
    out.reserve(text.size());
    for (std::size_t i = 0; i < text.size();) {
        uint32_t cp = 0;
        const std::size_t n = decode(text, i, cp);
        if (n == 0) {
            hex_byte(out, static_cast<unsigned char>(text[i]));
            ++i;
            continue;
        }
        if (cp == '\n' && newlines == Newlines::keep) {
            out += '\n';
        } else if (cp == '\n') {
            out += "\\n";
        } else if (cp == '\t') {
            out += "\\t";
        } else if (cp == '\r') {
            out += "\\r";
        } else if (cp < 0x20 || cp == 0x7F) {
            hex_byte(out, static_cast<unsigned char>(cp));
        } else if (hidden(cp)) {
            char code[12];
            std::snprintf(code, sizeof code, "\\u%04x", static_cast<unsigned>(cp));
            out += code;
        } else {
            out.append(text.substr(i, n));
        }
        i += n;
    }
    return out;
}

} // namespace detaudit
