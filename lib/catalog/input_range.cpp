#include "input_range.hpp"
#include <cmath>
#include <cstdio>
#include <limits>
#include "common/json_path.hpp"

namespace detaudit {
namespace {

// Box-Muller's largest |z|: sqrt(-2 ln u) with the smallest uniform u = 2^-54 is about 8.65.
constexpr double k_normal_reach = 9;

std::string number(double v) {
    char text[32];
    std::snprintf(text, sizeof text, "%.6g", v);
    return text;
}

} // namespace

void check_input_range(const nlohmann::json& input, const std::string& dtype, const std::string& pointer,
                       const ScenarioErrors& errors) {
    const double largest = dtype == "f32" ? double(std::numeric_limits<float>::max()) : std::numeric_limits<double>::max();
    const std::string limit = dtype + "'s largest value " + number(largest);
    const std::string kind = input.at("distribution");
    if (kind == "uniform") {
        const double low = input.at("low"), high = input.at("high");
        for (const auto& [key, v] : {std::pair{"low", low}, std::pair{"high", high}})
            if (std::fabs(v) > largest)
                errors.fail(child_pointer(pointer, key), "expected a bound within " + limit + ", got " + number(v));
        // The generator computes low + (high - low) * u: an infinite width makes every input inf.
        const double width = high - low;
        if (!(width <= largest))
            errors.fail(child_pointer(pointer, "high"), "high - low = " + number(width) + " overflows " + dtype + " (" + limit +
                                                            "): the inputs would be inf; narrow the range");
    } else if (kind == "normal") {
        const double mean = input.at("mean"), stddev = input.at("stddev");
        if (!(std::fabs(mean) + k_normal_reach * stddev <= largest))
            errors.fail(child_pointer(pointer, "stddev"), "|mean| + 9 stddev (the reach of Box-Muller draws) exceeds " +
                                                              limit + ": some inputs would be inf");
    } else if (kind == "cancelling") {
        if (!(input.at("magnitude").get<double>() + 1 <= largest))
            errors.fail(child_pointer(pointer, "magnitude"), "expected at most " + limit + " - 1, got " +
                                                                 number(input.at("magnitude").get<double>()));
    }
}

} // namespace detaudit
