// The one-line scenario error a scenario text gets ("no error" when it parses).
#pragma once
#include <string>
#include <catch2/catch.hpp>
#include "common/error.hpp"
#include "scenario/scenario_parser.hpp"

namespace detaudit::test {

inline std::string error_of(const std::string& text) {
    try {
        parse_scenario_text(text, "s.json");
    } catch (const Error& e) {
        CHECK(e.kind() == ErrorKind::scenario);
        return e.what();
    }
    return "no error";
}

} // namespace detaudit::test
