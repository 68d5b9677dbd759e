// Design classes as a function of algorithm, backend and parameters, and what a build cannot run.
#include <algorithm>
#include "catalog.hpp"

namespace detaudit {

std::vector<const DesignCondition*> holding_conditions(const AlgorithmSpec& algorithm, const nlohmann::json& params) {
    std::vector<const DesignCondition*> holding;
    for (const auto& c : algorithm.weaker_when) {
        const auto it = params.find(c.param);
        if (it != params.end() && it->is_string() && it->get<std::string>() == c.value) holding.push_back(&c);
    }
    return holding;
}

DesignClass design_class(const AlgorithmSpec& algorithm, const std::string& backend, const nlohmann::json& params) {
    DesignClass design = algorithm.backends.at(backend);
    // `unknown` claims nothing, so there is nothing to cap; the other classes are ordered weakest first.
    if (design == DesignClass::unknown) return design;
    for (const DesignCondition* c : holding_conditions(algorithm, params))
        if (c->at_most != DesignClass::unknown && static_cast<int>(c->at_most) < static_cast<int>(design))
            design = c->at_most;
    return design;
}

std::string unavailable_reason(const std::string& kind, const std::string& algorithm, const std::string& backend) {
    const KindSpec* k = find_kind(kind);
    const AlgorithmSpec* a = k ? find_algorithm(*k, algorithm) : nullptr;
    if (a == nullptr || a->backends.count(backend) == 0)
        return kind + "/" + algorithm + " is not implemented on " + backend;
    if (const auto it = a->missing_in_build.find(backend); it != a->missing_in_build.end())
        return "unavailable: " + kind + "/" + algorithm + " on " + backend + " " + it->second;
    return "";
}

nlohmann::json catalog_to_json() {
    nlohmann::json kinds = nlohmann::json::array();
    for (const auto& k : catalog()) {
        nlohmann::json params = nlohmann::json::array();
        for (const auto& p : k.params) {
            nlohmann::json jp = {{"name", p.name}, {"default", p.default_value}, {"description", p.description}};
            if (!p.choices.empty()) jp["choices"] = p.choices;
            params.push_back(jp);
        }
        nlohmann::json algorithms = nlohmann::json::array();
        for (const auto& a : k.algorithms) {
            nlohmann::json backends = nlohmann::json::object();
            for (const auto& [b, dc] : a.backends) backends[b] = std::string(design_class_name(dc));
            nlohmann::json ja = {{"name", a.name}, {"description", a.description}, {"backends", backends}};
            if (!a.weaker_when.empty()) {
                nlohmann::json conditions = nlohmann::json::array();
                for (const auto& c : a.weaker_when)
                    conditions.push_back({{"param", c.param}, {"value", c.value},
                                          {"at_most", std::string(design_class_name(c.at_most))}, {"reason", c.reason}});
                ja["weaker_when"] = conditions;
            }
            if (!a.missing_in_build.empty()) ja["missing_in_build"] = a.missing_in_build;
            algorithms.push_back(ja);
        }
        kinds.push_back({{"kind", k.name}, {"description", k.description}, {"parameters", params},
                         {"algorithms", algorithms}});
    }
    return kinds;
}

} // namespace detaudit
