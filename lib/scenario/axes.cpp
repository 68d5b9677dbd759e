#include "axes.hpp"
#include <cctype>
#include <thread>

namespace detaudit {

const std::vector<AxisSpec>& known_axes() {
    static const std::vector<AxisSpec> axes = {
        {"cpu.threads", "cpu", "number of CPU worker threads (1 to 1024, default: the hardware thread count)"},
        {"cpu.schedule", "cpu", "how loop iterations are handed to threads: static, dynamic or guided (OpenMP)"},
        // The CUDA launch axes: read by the kernels they apply to (docs/ops.md says which),
        // ignored by the others.
        {"cuda.block_size", "cuda", "threads per CUDA block: \"auto\" or 32 to 1024, a multiple of 32"},
        {"cuda.grid_size", "cuda", "CUDA blocks per launch: \"auto\" or 1 to 2147483647"},
        {"cuda.streams", "cuda", "matmul/cublas: streams running the same GEMM concurrently on one cuBLAS handle "
                                 "and workspace (1 to 16, default 1)"},
        {k_env_axis_pattern, "host",
         "an environment variable of exec programs: a string, or null to leave it unset (default: as inherited)"},
    };
    return axes;
}

bool is_env_axis(const std::string& name) {
    return name.rfind(k_env_axis_prefix, 0) == 0 && is_env_name(name.substr(std::string_view(k_env_axis_prefix).size()));
}

const AxisSpec* find_axis(const std::string& name) {
    for (const auto& a : known_axes())
        if (a.name == name && a.name != k_env_axis_pattern) return &a;
    if (is_env_axis(name))
        for (const auto& a : known_axes())
            if (a.name == k_env_axis_pattern) return &a;
    return nullptr;
}

namespace {

// An integer from `low` to `high`, judged before any narrowing (3000000000 is not an int).
bool integer_in(const nlohmann::json& value, uint64_t low, uint64_t high) {
    const auto v = json_uint64(value);
    return v && *v >= low && *v <= high;
}

// CUDA's limit on gridDim.x; the launch takes an int.
constexpr uint64_t k_max_grid_size = 2147483647;

} // namespace

void validate_axis_value(const AxisSpec& axis, const nlohmann::json& value, const std::string& pointer,
                         const ScenarioErrors& errors) {
    if (axis.name == "cpu.threads") {
        if (!integer_in(value, 1, 1024))
            errors.fail(pointer, "expected a thread count from 1 to 1024, got " + describe_json(value));
    } else if (axis.name == "cuda.block_size") {
        if (!(value == "auto" || (integer_in(value, 32, 1024) && value.get<uint64_t>() % 32 == 0)))
            errors.fail(pointer, "expected \"auto\" or a block size from 32 to 1024 in steps of 32, got " +
                                     describe_json(value));
    } else if (axis.name == "cuda.grid_size") {
        if (!(value == "auto" || integer_in(value, 1, k_max_grid_size)))
            errors.fail(pointer, "expected \"auto\" or a grid size from 1 to 2147483647 (CUDA's limit), got " +
                                     describe_json(value));
    } else if (axis.name == "cuda.streams") {
        if (!integer_in(value, 1, 16))
            errors.fail(pointer, "expected a stream count from 1 to 16, got " + describe_json(value));
    } else if (axis.name == k_env_axis_pattern) {
        if (!(value.is_null() || value.is_string()) ||
            (value.is_string() && value.get<std::string>().find('\0') != std::string::npos))
            errors.fail(pointer, "expected a string (the variable's value) or null (unset), got " + describe_json(value));
    } else if (axis.name == "cpu.schedule") {
        if (!value.is_string() || (value != "static" && value != "dynamic" && value != "guided"))
            errors.fail(pointer, "expected \"static\", \"dynamic\" or \"guided\", got " + describe_json(value));
    }
}

nlohmann::json default_axis_value(const std::string& axis) {
    if (axis == "cpu.threads") {
        const unsigned cores = std::thread::hardware_concurrency();
        return cores == 0 ? 1u : cores;
    }
    if (axis == "cpu.schedule") return "static";
    if (axis == "cuda.block_size" || axis == "cuda.grid_size") return "auto";
    if (axis == "cuda.streams") return 1;
    return nullptr;
}

std::string axis_value_text(const nlohmann::json& v) {
    if (v.is_null()) return "unset"; // env.NAME: null leaves the variable unset
    return v.is_string() ? v.get<std::string>() : v.dump();
}

namespace {

Variant variant_from(const nlohmann::json& base, const nlohmann::json& settings,
                     const std::vector<VaryAxis>& vary) {
    Variant v;
    v.settings = settings;
    for (const auto& axis : vary) {
        if (settings[axis.name] != base[axis.name]) {
            v.changed_axes.push_back(axis.name);
            v.name += (v.name.empty() ? "" : ",") + axis.name + "=" + axis_value_text(settings[axis.name]);
        }
    }
    if (v.name.empty()) v.name = "base";
    return v;
}

} // namespace

std::vector<Variant> make_variants(const std::vector<VaryAxis>& vary, bool product) {
    nlohmann::json base = nlohmann::json::object();
    for (const auto& a : known_axes())
        if (a.name != k_env_axis_pattern) base[a.name] = default_axis_value(a.name);
    for (const auto& axis : vary) base[axis.name] = axis.values.front();

    std::vector<Variant> variants{variant_from(base, base, vary)};
    if (!product) {
        for (const auto& axis : vary)
            for (std::size_t i = 1; i < axis.values.size(); ++i) {
                nlohmann::json s = base;
                s[axis.name] = axis.values[i];
                variants.push_back(variant_from(base, s, vary));
            }
        return variants;
    }
    // Odometer over all axes; index 0 of every axis is the base, already listed.
    std::vector<std::size_t> index(vary.size(), 0);
    while (true) {
        std::size_t k = 0;
        while (k < vary.size() && ++index[k] == vary[k].values.size()) index[k++] = 0;
        if (k == vary.size()) break;
        nlohmann::json s = base;
        for (std::size_t a = 0; a < vary.size(); ++a) s[vary[a].name] = vary[a].values[index[a]];
        variants.push_back(variant_from(base, s, vary));
    }
    return variants;
}

bool axis_applies_to(const std::string& axis, const std::string& backend) {
    const AxisSpec* spec = find_axis(axis);
    return spec != nullptr && spec->backend == backend;
}

bool variant_applies_to(const Variant& variant, const std::string& backend) {
    if (variant.changed_axes.empty()) return true;
    for (const auto& axis : variant.changed_axes) {
        const AxisSpec* spec = find_axis(axis);
        if (spec == nullptr || spec->backend != backend) return false;
    }
    return true;
}

} // namespace detaudit
