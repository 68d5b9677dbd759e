// Text with a size cap for reports that must fit somewhere (a GitHub step summary, a file a
// browser opens quickly): parts that do not fit are counted, never dropped silently.
#pragma once
#include <cstddef>
#include <string>
#include <string_view>

namespace detaudit {

class CappedText {
  public:
    // `reserve`: bytes kept free for what is always written at the end (omission lines, closing
    // tags).
    CappedText(std::size_t cap, std::size_t reserve) : m_cap(cap), m_reserve(reserve) {}
    // Appends `part` if it fits; false (nothing appended) otherwise.
    bool fits(std::string_view part) const {
        return m_text.size() + part.size() + m_reserve <= m_cap;
    }
    bool add(std::string_view part) {
        if (!fits(part)) return false;
        m_text += part;
        return true;
    }
    // Always appended: closing tags and omission lines, paid for by the reserve.
    void force(std::string_view part) { m_text += part; }
    const std::string& text() const { return m_text; }
    std::string take() { return std::move(m_text); }

  private:
    std::size_t m_cap, m_reserve;
    std::string m_text;
};

} // namespace detaudit
