#include "report/report_json_parse.hpp"
#include <optional>
#include <vector>

namespace detaudit {
namespace {

using Json = nlohmann::json;

// nlohmann's DOM builder, plus a check in key(): one map insertion either way, so refusing a
// duplicate costs nothing. The path to a value is kept as the open containers and the key each
// object is filling, spelled out only for the message.
class DomBuilder {
  public:
    explicit DomBuilder(Json& root) : m_root(root) {}

    bool null() { return put(nullptr); }
    bool boolean(bool v) { return put(v); }
    bool number_integer(Json::number_integer_t v) { return put(v); }
    bool number_unsigned(Json::number_unsigned_t v) { return put(v); }
    bool number_float(Json::number_float_t v, const Json::string_t&) { return put(v); }
    bool string(Json::string_t& v) { return put(std::move(v)); }
    bool binary(Json::binary_t&) { return false; } // JSON text has none
    bool start_object(std::size_t) { return open(Json::value_t::object); }
    bool start_array(std::size_t) { return open(Json::value_t::array); }
    bool end_object() { return close(); }
    bool end_array() { return close(); }

    bool key(Json::string_t& k) {
        auto& object = m_open.back()->get_ref<Json::object_t&>();
        const auto [it, inserted] = object.emplace(std::move(k), nullptr);
        m_keys.back() = &it->first;
        if (!inserted) {
            m_duplicate = pointer();
            return false;
        }
        m_slot = &it->second;
        return true;
    }

    template <class Exception>
    bool parse_error(std::size_t, const std::string&, const Exception& e) {
        throw e;
    }

    const std::optional<std::string>& duplicate() const { return m_duplicate; }

  private:
    Json* place(Json&& v) {
        if (m_open.empty()) {
            m_root = std::move(v);
            return &m_root;
        }
        if (m_open.back()->is_array()) {
            auto& array = m_open.back()->get_ref<Json::array_t&>();
            array.push_back(std::move(v));
            return &array.back();
        }
        *m_slot = std::move(v);
        return m_slot;
    }

    bool put(Json&& v) {
        place(std::move(v));
        return true;
    }

    bool open(Json::value_t type) {
        m_open.push_back(place(Json(type)));
        m_keys.push_back(nullptr);
        return true;
    }

    bool close() {
        m_open.pop_back();
        m_keys.pop_back();
        return true;
    }

    // The JSON pointer of the key being filled in the innermost open object.
    std::string pointer() const {
        std::string p;
        for (std::size_t i = 0; i < m_open.size(); ++i) {
            if (m_open[i]->is_array())
                p = child_pointer(p, m_open[i]->size() - 1);
            else if (m_keys[i])
                p = child_pointer(p, *m_keys[i]);
        }
        return p;
    }

    Json& m_root;
    std::vector<Json*> m_open;              // the containers being filled, outermost first
    std::vector<const std::string*> m_keys; // per open object: the key being filled
    Json* m_slot = nullptr;                 // where the innermost object's next value goes
    std::optional<std::string> m_duplicate;
};

} // namespace

Json parse_report_json(std::string_view text, const ScenarioErrors& errors) {
    Json document;
    DomBuilder builder(document);
    try {
        Json::sax_parse(text.begin(), text.end(), &builder);
    } catch (const Json::parse_error& e) {
        // e.what() is "[json.exception.parse_error.101] parse error at line 3, column 1: ..."
        const std::string what = e.what();
        const auto start = what.find("] ");
        errors.fail("", "not a JSON report: " +
                            (start == std::string::npos ? what : what.substr(start + 2)));
    }
    if (builder.duplicate())
        errors.fail(*builder.duplicate(), "duplicate key in a detaudit report");
    return document;
}

} // namespace detaudit
