#include "scenario_parser.hpp"
#include "op_params.hpp"
#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include "axes.hpp"
#include "catalog/catalog.hpp"
#include "compare/digest.hpp"
#include "common/json_path.hpp"
#include "io/read_file.hpp"
#include "json_reader.hpp"
#include "shared_data.hpp"

namespace detaudit {
namespace {

// "an exec", "an elementwise", "a reduce": op kinds in messages.
std::string with_article(const std::string& word) {
    const bool vowel = !word.empty() && std::string_view("aeiou").find(word[0]) != std::string_view::npos;
    return (vowel ? "an " : "a ") + word;
}

const std::set<std::string> k_top_keys = {"detaudit", "name", "description", "seed", "runs", "backends",
                                          "vary", "vary_mode", "defaults", "operations"};
const std::set<std::string> k_reserved_op_keys = {"id", "op", "algorithm", "expect", "runs",
                                                  "backends", "seed", "description", "accuracy", "data"};
const std::vector<std::string> k_backends = {"cpu", "cuda", "host"};
// exec runs external programs on the host backend, and only there.
constexpr const char* k_host = "host";
constexpr uint64_t k_max_runs = 1000000;
// max_ulp is held as a double: up to 2^53 every integer is exact.
constexpr uint64_t k_max_ulp_bound = uint64_t(1) << 53;
// Scenarios are hand-written or generated configuration: anything larger is a mistake (a data
// file given as the scenario), refused before it is read (docs/scenario-format.md).
constexpr std::size_t k_max_scenario_bytes = std::size_t{64} << 20;

std::vector<std::string> sorted(const std::set<std::string>& s) { return {s.begin(), s.end()}; }

// Ids name dump files and report entries: [A-Za-z0-9][A-Za-z0-9._-]{0,99}.
bool is_valid_id(const std::string& id) {
    if (id.empty() || id.size() > 100 || !std::isalnum(static_cast<unsigned char>(id[0]))) return false;
    for (char c : id)
        if (!std::isalnum(static_cast<unsigned char>(c)) && c != '.' && c != '_' && c != '-') return false;
    return true;
}

class Parser {
public:
    Parser(const std::string& path) : m_errors(path) {}

    Scenario parse(const nlohmann::json& root) {
        if (!root.is_object()) m_errors.fail("", "expected a scenario object, got " + describe_json(root));
        for (auto& [key, value] : root.items())
            if (!k_top_keys.count(key))
                m_errors.fail(child_pointer("", key), "unknown key (valid: " + join_choices(sorted(k_top_keys)) + ")");
        if (!root.contains("detaudit"))
            m_errors.fail("/detaudit", "missing: expected the format version, \"detaudit\": 1");
        if (!root["detaudit"].is_number_integer() || root["detaudit"] != 1)
            m_errors.fail("/detaudit", "expected format version 1, got " + describe_json(root["detaudit"]));

        Scenario s;
        s.path = m_errors.file();
        s.name = string_or(root, "name", std::filesystem::path(s.path).stem().string());
        s.description = string_or(root, "description", "");
        s.seed = root.contains("seed") ? seed_value(root["seed"], "/seed") : 0;
        s.runs = root.contains("runs") ? runs_value(root["runs"], "/runs") : 5;
        s.backends = root.contains("backends") ? backends_value(root["backends"], "/backends")
                                               : std::vector<std::string>{"cpu"};
        parse_vary(root, s);
        const nlohmann::json defaults = root.value("defaults", nlohmann::json::object());
        if (!defaults.is_object()) m_errors.fail("/defaults", "expected an object, got " + describe_json(defaults));
        check_defaults(defaults);

        if (!root.contains("operations")) m_errors.fail("/operations", "missing: expected an array of operations");
        const auto& ops = root["operations"];
        if (!ops.is_array() || ops.empty())
            m_errors.fail("/operations", "expected a non-empty array of operations, got " + describe_json(ops));
        std::set<std::string> ids;
        for (std::size_t i = 0; i < ops.size(); ++i) {
            OpSpec op = parse_op(ops[i], child_pointer("/operations", i), s, defaults);
            if (!ids.insert(op.id).second)
                m_errors.fail(child_pointer(op.pointer, "id"), "duplicate id \"" + op.id + "\"");
            s.operations.push_back(std::move(op));
        }
        check_unused_defaults(defaults, s);
        check_shared_data(s, m_errors);
        return s;
    }

private:
    std::string string_or(const nlohmann::json& obj, const std::string& key, const std::string& fallback) {
        if (!obj.contains(key)) return fallback;
        if (!obj[key].is_string()) m_errors.fail("/" + key, "expected a string, got " + describe_json(obj[key]));
        return obj[key].get<std::string>();
    }

    uint64_t seed_value(const nlohmann::json& v, const std::string& pointer) {
        if (const auto seed = json_uint64(v)) return *seed;
        m_errors.fail(pointer, "expected an integer from 0 to 2^64-1, got " + describe_json(v));
    }

    int runs_value(const nlohmann::json& v, const std::string& pointer) {
        if (v == "auto") return k_runs_auto;
        const auto runs = json_uint64(v); // range-checked before it is narrowed to int
        if (!runs || *runs < 1 || *runs > k_max_runs)
            m_errors.fail(pointer, "expected a run count from 1 to 1000000 or \"auto\", got " + describe_json(v));
        return static_cast<int>(*runs);
    }

    std::vector<std::string> backends_value(const nlohmann::json& v, const std::string& pointer) {
        if (!v.is_array() || v.empty())
            m_errors.fail(pointer, "expected a non-empty array of backends (cpu, cuda, host), got " + describe_json(v));
        std::vector<std::string> out;
        for (std::size_t i = 0; i < v.size(); ++i) {
            const auto& b = v[i];
            if (!b.is_string() || std::find(k_backends.begin(), k_backends.end(), b.get<std::string>()) == k_backends.end())
                m_errors.fail(child_pointer(pointer, i), "expected cpu, cuda or host, got " + describe_json(b));
            if (std::find(out.begin(), out.end(), b.get<std::string>()) != out.end())
                m_errors.fail(child_pointer(pointer, i), "backend listed twice: " + describe_json(b));
            out.push_back(b.get<std::string>());
        }
        return out;
    }

    void parse_vary(const nlohmann::json& root, Scenario& s) {
        if (root.contains("vary_mode")) {
            const auto& m = root["vary_mode"];
            if (m != "one_at_a_time" && m != "product")
                m_errors.fail("/vary_mode", "expected \"one_at_a_time\" or \"product\", got " + describe_json(m));
            s.vary_product = m == "product";
        }
        if (!root.contains("vary")) return;
        const auto& vary = root["vary"];
        if (!vary.is_object())
            m_errors.fail("/vary", "expected an object of axis -> [values], got " + describe_json(vary));
        for (auto& [name, values] : vary.items()) {
            const std::string pointer = child_pointer("/vary", name);
            const AxisSpec* axis = find_axis(name);
            if (axis == nullptr) {
                std::vector<std::string> valid;
                for (const auto& a : known_axes()) valid.push_back(a.name);
                m_errors.fail(pointer, "unknown axis (valid: " + join_choices(valid) + ")");
            }
            if (!values.is_array() || values.empty())
                m_errors.fail(pointer, "expected a non-empty array of values (the first is the base), got " +
                                           describe_json(values));
            VaryAxis va{name, {}};
            for (std::size_t i = 0; i < values.size(); ++i) {
                validate_axis_value(*axis, values[i], child_pointer(pointer, i), m_errors);
                if (std::find(va.values.begin(), va.values.end(), values[i]) != va.values.end())
                    m_errors.fail(child_pointer(pointer, i), "value listed twice: " + describe_json(values[i]));
                va.values.push_back(values[i]);
            }
            s.vary.push_back(std::move(va));
        }
    }

    void check_defaults(const nlohmann::json& defaults) {
        for (auto& [key, value] : defaults.items()) {
            const std::string pointer = child_pointer("/defaults", key);
            if (key == "expect") {
                parse_expect(value, pointer);
                continue;
            }
            if (key == "runs") {
                runs_value(value, pointer);
                continue;
            }
            if (key == "backends") {
                backends_value(value, pointer);
                continue;
            }
            if (key == "accuracy") {
                accuracy_value(value, pointer);
                continue;
            }
            bool known = false;
            for (const auto& k : catalog()) known = known || kind_has_param(k, key);
            if (!known)
                m_errors.fail(pointer, "unknown key: defaults hold expect, runs, backends, accuracy or an operation "
                                       "parameter (e.g. dtype, n, count)");
        }
    }

    // A default that no operation of the scenario takes is still checked, as the parameter of the
    // first kind that has it, so a bad value never passes silently.
    void check_unused_defaults(const nlohmann::json& defaults, const Scenario& s) {
        for (auto& [key, value] : defaults.items()) {
            if (key == "expect" || key == "runs" || key == "backends" || key == "accuracy") continue;
            const bool used = std::any_of(s.operations.begin(), s.operations.end(), [&, &key = key](const OpSpec& op) {
                return kind_has_param(*find_kind(op.kind), key);
            });
            // exponent is only meaningful with pow: nothing to check it against without an op.
            if (used || key == "exponent") continue;
            for (const auto& kind : catalog()) {
                if (!kind_has_param(kind, key)) continue;
                nlohmann::json given = {{key, value}};
                if (kind.name == "exec") { // its required parameters, so only `key` is judged
                    if (key != "command") given["command"] = nlohmann::json::array({"true"});
                    if (key != "outputs") given["outputs"] = nlohmann::json::array({"x"});
                }
                normalise_params(kind, kind.algorithms.front().name, given, "/defaults", m_errors,
                                 {{key, child_pointer("/defaults", key)}});
                break;
            }
        }
    }

    std::map<std::string, Expectation> parse_expect(const nlohmann::json& v, const std::string& pointer) {
        if (!v.is_object())
            m_errors.fail(pointer, "expected an object like {\"run_to_run\": \"identical\"}, got " + describe_json(v));
        std::map<std::string, Expectation> out;
        for (auto& [axis, value] : v.items()) {
            const std::string p = child_pointer(pointer, axis);
            std::vector<std::string> axes = comparison_axes();
            axes.push_back(k_axis_baseline); // judged only with run --baseline
            axes.push_back(k_axis_across_algorithms);
            if (std::find(axes.begin(), axes.end(), axis) == axes.end())
                m_errors.fail(p, "unknown comparison axis (valid: " + join_choices(axes) + ")");
            out[axis] = parse_expectation(value, p);
        }
        return out;
    }

    Expectation parse_expectation(const nlohmann::json& v, const std::string& pointer) {
        Expectation e;
        if (v == "identical") e.kind = Expectation::Kind::identical;
        else if (v == "differs") e.kind = Expectation::Kind::differs;
        else if (v == "any") e.kind = Expectation::Kind::any;
        else if (v.is_object() && !v.empty()) {
            e.kind = Expectation::Kind::tolerance;
            for (auto& [key, bound] : v.items()) {
                const std::string p = child_pointer(pointer, key);
                if (key != "max_ulp" && key != "max_abs" && key != "max_rel")
                    m_errors.fail(p, "unknown tolerance key (valid: max_ulp, max_abs, max_rel)");
                if (!bound.is_number() || bound.get<double>() < 0 || !std::isfinite(bound.get<double>()))
                    m_errors.fail(p, "expected a non-negative number, got " + describe_json(bound));
                if (key == "max_ulp" && !(json_uint64(bound) && *json_uint64(bound) <= k_max_ulp_bound))
                    m_errors.fail(p, "expected an integer from 0 to 2^53, got " + describe_json(bound));
                (key == "max_ulp" ? e.max_ulp : key == "max_abs" ? e.max_abs : e.max_rel) = bound.get<double>();
            }
        } else {
            m_errors.fail(pointer, "expected \"identical\", \"differs\", \"any\" or a tolerance object "
                                   "{\"max_ulp\": N, \"max_abs\": X, \"max_rel\": X}, got " + describe_json(v));
        }
        return e;
    }

    OpSpec parse_op(const nlohmann::json& v, const std::string& pointer, const Scenario& s,
                    const nlohmann::json& defaults) {
        if (!v.is_object()) m_errors.fail(pointer, "expected an operation object, got " + describe_json(v));
        OpSpec op;
        op.pointer = pointer;
        if (!v.contains("id") || !v["id"].is_string() || !is_valid_id(v["id"].get<std::string>()))
            m_errors.fail(child_pointer(pointer, "id"),
                          "expected an id of letters, digits, '.', '_' or '-' (it names dump files), got " +
                              (v.contains("id") ? describe_json(v["id"]) : std::string("nothing")));
        op.id = v["id"].get<std::string>();
        if (!v.contains("op") || !v["op"].is_string() || find_kind(v["op"].get<std::string>()) == nullptr)
            m_errors.fail(child_pointer(pointer, "op"), "expected an operation kind (" + join_choices(kind_names()) +
                                                            "), got " + (v.contains("op") ? describe_json(v["op"]) : std::string("nothing")));
        op.kind = v["op"].get<std::string>();
        const KindSpec& kind = *find_kind(op.kind);
        const bool one_algorithm = kind.algorithms.size() == 1;
        if ((!one_algorithm || v.contains("algorithm")) && (!v.contains("algorithm") || !v["algorithm"].is_string() ||
            find_algorithm(kind, v["algorithm"].get<std::string>()) == nullptr))
            m_errors.fail(child_pointer(pointer, "algorithm"),
                          "expected an algorithm of " + op.kind + " (" + join_choices(algorithm_names(kind)) + "), got " +
                              (v.contains("algorithm") ? describe_json(v["algorithm"]) : std::string("nothing")));
        op.algorithm = v.contains("algorithm") ? v["algorithm"].get<std::string>() : kind.algorithms.front().name;
        if (v.contains("description")) {
            if (!v["description"].is_string())
                m_errors.fail(child_pointer(pointer, "description"), "expected a string, got " + describe_json(v["description"]));
            op.description = v["description"].get<std::string>();
        }

        nlohmann::json given = nlohmann::json::object();
        std::map<std::string, std::string> from_defaults; // parameter -> its pointer in /defaults
        for (auto& [key, value] : defaults.items())
            if (kind_has_param(kind, key)) {
                given[key] = value;
                from_defaults[key] = child_pointer("/defaults", key);
            }
        for (auto& [key, value] : v.items()) {
            if (k_reserved_op_keys.count(key)) continue;
            if (!kind_has_param(kind, key)) {
                std::vector<std::string> valid = param_names(kind);
                for (const auto& r : k_reserved_op_keys) valid.push_back(r);
                m_errors.fail(child_pointer(pointer, key), "unknown key for " + with_article(op.kind) + " operation (valid: " +
                                                               join_choices(valid) + ")");
            }
            given[key] = value;
            from_defaults.erase(key);
        }
        op.params = normalise_params(kind, op.algorithm, given, pointer, m_errors, from_defaults);

        op.runs = v.contains("runs") ? runs_value(v["runs"], child_pointer(pointer, "runs"))
                  : defaults.contains("runs") ? runs_value(defaults["runs"], "/defaults/runs") : s.runs;
        op.backends = op_backends(v, pointer, s, defaults, op.kind);
        op.base_dir = std::filesystem::absolute(std::filesystem::path(s.path)).parent_path().string();
        op.seed = v.contains("seed") ? seed_value(v["seed"], child_pointer(pointer, "seed")) : s.seed;
        if (defaults.contains("expect")) op.expect = parse_expect(defaults["expect"], "/defaults/expect");
        if (v.contains("expect"))
            for (auto& [axis, e] : parse_expect(v["expect"], child_pointer(pointer, "expect"))) op.expect[axis] = e;
        parse_accuracy_and_data(v, pointer, defaults, op);
        if (op.kind == "exec" && given.contains("outputs")) {
            // The op's outputs, or those of /defaults (already validated by normalise_params).
            const std::string outputs_pointer =
                from_defaults.count("outputs") ? from_defaults.at("outputs") : child_pointer(pointer, "outputs");
            const auto& outputs = given["outputs"];
            for (std::size_t i = 0; i < outputs.size(); ++i)
                if (outputs[i].is_object() && outputs[i].contains("expect"))
                    op.output_expect.emplace_back(
                        outputs[i]["path"].get<std::string>(),
                        parse_expect(outputs[i]["expect"], child_pointer(child_pointer(outputs_pointer, i), "expect")));
        }
        return op;
    }

    bool accuracy_value(const nlohmann::json& v, const std::string& pointer) {
        if (!v.is_boolean()) m_errors.fail(pointer, "expected true or false, got " + describe_json(v));
        return v.get<bool>();
    }

    // "accuracy" (op or defaults), "data" and expect.across_algorithms (checked across ops later).
    void parse_accuracy_and_data(const nlohmann::json& v, const std::string& pointer, const nlohmann::json& defaults,
                                 OpSpec& op) {
        if (v.contains("accuracy")) op.accuracy = accuracy_value(v["accuracy"], child_pointer(pointer, "accuracy"));
        else if (defaults.contains("accuracy")) op.accuracy = accuracy_value(defaults["accuracy"], "/defaults/accuracy");
        if (op.accuracy && !has_accuracy_reference(op.kind))
            m_errors.fail(v.contains("accuracy") ? child_pointer(pointer, "accuracy") : "/defaults/accuracy",
                          "accuracy has no reference for " + op.kind + (v.contains("accuracy") ? "" : " (" + pointer + ")") +
                              ": reduce, scatter_add, matmul and elementwise have one");
        if (v.contains("data")) {
            const auto& d = v["data"];
            if (!d.is_string() || !is_valid_id(d.get<std::string>()))
                m_errors.fail(child_pointer(pointer, "data"),
                              "expected a data name of letters, digits, '.', '_' or '-', got " + describe_json(d));
            if (op.kind == "exec" || op.kind == "rng")
                m_errors.fail(child_pointer(pointer, "data"), with_article(op.kind) + " operation has no generated inputs to share");
            op.data = d.get<std::string>();
        }
        if (auto it = op.expect.find(k_axis_across_algorithms); it != op.expect.end()) {
            op.across_algorithms = it->second;
            op.expect.erase(it);
        }
    }

    // exec ops run on host whatever the scenario's backends; host runs nothing but exec.
    std::vector<std::string> op_backends(const nlohmann::json& v, const std::string& pointer, const Scenario& s,
                                         const nlohmann::json& defaults, const std::string& kind) {
        const bool exec = kind == "exec";
        if (v.contains("backends")) {
            const std::string p = child_pointer(pointer, "backends");
            auto backends = backends_value(v["backends"], p);
            for (std::size_t i = 0; i < backends.size(); ++i)
                if (exec != (backends[i] == k_host))
                    m_errors.fail(child_pointer(p, i), exec ? "an exec operation runs on the host backend only, got \"" + backends[i] + "\""
                                                            : "the host backend runs exec operations only; " + with_article(kind) +
                                                                  " operation runs on cpu or cuda");
            return backends;
        }
        if (exec) return {k_host};
        const bool from_defaults = defaults.contains("backends");
        auto backends = from_defaults ? backends_value(defaults["backends"], "/defaults/backends") : s.backends;
        std::erase(backends, std::string(k_host)); // "host" in a shared list is for the exec ops
        if (backends.empty())
            m_errors.fail(from_defaults ? "/defaults/backends" : "/backends",
                          "lists only host, which runs exec operations, but " + child_pointer(pointer, "op") + " is " + with_article(kind) +
                              " operation (add cpu or cuda)");
        return backends;
    }

    ScenarioErrors m_errors;
};

} // namespace

Scenario parse_scenario_text(const std::string& text, const std::string& display_path) {
    Scenario s = Parser(display_path).parse(parse_strict_json(text, display_path));
    s.file_digest = digest_bytes(std::as_bytes(std::span(text.data(), text.size())));
    return s;
}

Scenario parse_scenario_file(const std::string& path) {
    return parse_scenario_text(read_regular_file(path, k_max_scenario_bytes, "scenario file"), path);
}

} // namespace detaudit
