// Test inputs with an exact oracle: multiples of 2^-24 in (-1, 1). Every value is an exact f32,
// and a double sum of up to 2^28 of them is exact too, so (float)double_sum is the correctly
// rounded f32 sum — an oracle independent of the code under test.
#pragma once
#include <cstdint>
#include <random>
#include <vector>

inline std::vector<float> grid_values(std::size_t n, unsigned seed) {
    std::mt19937 gen(seed);
    std::uniform_int_distribution<int32_t> k(-(1 << 24) + 1, (1 << 24) - 1);
    std::vector<float> x(n);
    for (auto& v : x) v = static_cast<float>(k(gen)) * 0x1p-24f;
    return x;
}
