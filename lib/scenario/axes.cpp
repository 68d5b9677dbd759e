#include "axes.hpp"
#include <algorithm>
#include <cctype>
#include <thread>

namespace detaudit {

namespace {

unsigned hardware_threads() {
    const unsigned cores = std::thread::hardware_concurrency();
    return cores == 0 ? 1u : cores;
}

// An integer from `low` to `high`, judged before any narrowing (3000000000 is not an int).
bool integer_in(const nlohmann::json& value, uint64_t low, uint64_t high) {
    const auto v = json_uint64(value);
    return v && *v >= low && *v <= high;
}

bool integer_fits(const AxisSpec& axis, const nlohmann::json& value) {
    return integer_in(value, axis.low, axis.high) && value.get<uint64_t>() % axis.step == 0;
}

// What the axis expects, as validate_axis_value's message says it.
std::string expected_values(const AxisSpec& axis) {
    switch (axis.type) {
    case AxisType::integer:
    case AxisType::integer_or_auto: {
        std::string text = axis.type == AxisType::integer_or_auto ? "\"auto\" or " : "";
        text += axis.counted + " from " + std::to_string(axis.low) + " to " + std::to_string(axis.high);
        if (axis.step > 1) text += " in steps of " + std::to_string(axis.step);
        return text + axis.limit_note;
    }
    case AxisType::choice: {
        std::string text;
        for (std::size_t i = 0; i < axis.choices.size(); ++i)
            text += (i == 0 ? "" : i + 1 == axis.choices.size() ? " or " : ", ") + ("\"" + axis.choices[i] + "\"");
        return text;
    }
    case AxisType::env_value: return "a string (the variable's value) or null (unset)";
    }
    return "";
}

bool accepts(const AxisSpec& axis, const nlohmann::json& value) {
    switch (axis.type) {
    case AxisType::integer: return integer_fits(axis, value);
    case AxisType::integer_or_auto: return value == "auto" || integer_fits(axis, value);
    case AxisType::choice:
        return value.is_string() &&
               std::find(axis.choices.begin(), axis.choices.end(), value.get<std::string>()) != axis.choices.end();
    case AxisType::env_value:
        return value.is_null() || (value.is_string() && value.get<std::string>().find('\0') == std::string::npos);
    }
    return false;
}

} // namespace

const std::vector<AxisSpec>& known_axes() {
    static const std::vector<AxisSpec> axes = {
        {.name = "cpu.threads", .backend = "cpu",
         .description = "number of CPU worker threads (1 to 1024, default: the hardware thread count)",
         .type = AxisType::integer, .default_value = hardware_threads(), .low = 1, .high = 1024,
         .counted = "a thread count"},
        {.name = "cpu.schedule", .backend = "cpu",
         .description = "how loop iterations are handed to threads: static, dynamic or guided (OpenMP)",
         .type = AxisType::choice, .default_value = "static", .choices = {"static", "dynamic", "guided"}},
        // The CUDA launch axes: read by the kernels they apply to (docs/ops.md says which),
        // ignored by the others.
        {.name = "cuda.block_size", .backend = "cuda",
         .description = "threads per CUDA block: \"auto\" or 32 to 1024, a multiple of 32",
         .type = AxisType::integer_or_auto, .default_value = "auto", .low = 32, .high = 1024, .step = 32,
         .counted = "a block size"},
        {.name = "cuda.grid_size", .backend = "cuda", .description = "CUDA blocks per launch: \"auto\" or 1 to 2147483647",
         .type = AxisType::integer_or_auto, .default_value = "auto", .low = 1, .high = 2147483647, // gridDim.x, an int
         .counted = "a grid size", .limit_note = " (CUDA's limit)"},
        {.name = "cuda.streams", .backend = "cuda",
         .description = "matmul/cublas: streams running the same GEMM concurrently on one cuBLAS handle "
                        "and workspace (1 to 16, default 1)",
         .type = AxisType::integer, .default_value = 1, .low = 1, .high = 16, .counted = "a stream count"},
        {.name = k_env_axis_pattern, .backend = "host",
         .description = "an environment variable of exec programs: a string, or null to leave it unset (default: as inherited)",
         .type = AxisType::env_value, .default_value = nullptr},
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

void validate_axis_value(const AxisSpec& axis, const nlohmann::json& value, const std::string& pointer,
                         const ScenarioErrors& errors) {
    if (!accepts(axis, value)) errors.fail(pointer, "expected " + expected_values(axis) + ", got " + describe_json(value));
}

nlohmann::json default_axis_value(const std::string& axis) {
    const AxisSpec* spec = find_axis(axis);
    return spec ? spec->default_value : nlohmann::json(nullptr);
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
