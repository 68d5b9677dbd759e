// The scenario digest reports carry (report.scenario.scenario_digest): XXH3-128 of the normalised
// scenario, so `merge`, `diff` and `run --baseline` can refuse reports of another scenario even
// when the files differ only in layout, key order, comments of description or defaults spelled out.
#pragma once
#include <string>
#include <nlohmann/json.hpp>
#include "scenario.hpp"

namespace detaudit {

// The normalised scenario: name, seed, runs, backends, vary (mode, axes and values) and every
// operation with its parameters (defaults filled), effective runs, backends, seed and stated
// expectations (but "baseline", which judges against another report). Left out: the file's path and directory and descriptions, which change no result.
nlohmann::json normalized_scenario(const Scenario& scenario);

// XXH3-128 of normalized_scenario's compact dump (sorted keys), as digest_bytes prints it.
std::string scenario_digest(const Scenario& scenario);

} // namespace detaudit
