// Reads cases from stdin, one a line, and prints one result a line (hex bits), so that
// test_exact_sum.py can check kernels/common/exact_sum.hpp and exact_dot.hpp against Fractions:
//   sum f32|f64 <hex bits>...        the exact sum rounded once
//   dot f32|f64 <n> <a bits>... <b bits>...   the exactly rounded dot product
#include <cstdint>
#include <cstdio>
#include <iostream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>
#include "kernels/common/exact_dot.hpp"

namespace {

using namespace detaudit::kernels;

template <typename T> std::vector<T> read_values(std::istringstream& in, std::size_t count, bool all) {
    std::vector<T> out;
    std::string word;
    while ((all || out.size() < count) && in >> word)
        out.push_back(from_bits<T>(static_cast<typename FloatTraits<T>::Bits>(std::stoull(word, nullptr, 16))));
    return out;
}

template <typename T> std::string hex(T value) {
    char text[32];
    std::snprintf(text, sizeof text, "%llx", static_cast<unsigned long long>(to_bits(value)));
    return text;
}

template <typename T> std::string evaluate(const std::string& op, std::istringstream& in) {
    if (op == "sum") {
        const auto x = read_values<T>(in, 0, true);
        auto acc = std::make_unique<ExactSum<T>>();
        return hex(exact_sum(x.data(), x.size(), *acc));
    }
    std::size_t n = 0;
    in >> n;
    const auto a = read_values<T>(in, n, false), b = read_values<T>(in, n, false);
    if (a.size() != n || b.size() != n) return "bad-line";
    auto acc = std::make_unique<ExactDot<T>>();
    exact_clear(*acc);
    // Twice through one accumulator: the second checks that exact_reset leaves nothing behind.
    exact_dot(a.data(), 1, b.data(), 1, n, *acc);
    return hex(exact_dot(a.data(), 1, b.data(), 1, n, *acc));
}

} // namespace

int main() {
    std::string line;
    while (std::getline(std::cin, line)) {
        std::istringstream in(line);
        std::string op, dtype;
        in >> op >> dtype;
        if ((op != "sum" && op != "dot") || (dtype != "f32" && dtype != "f64")) {
            std::cout << "bad-line\n";
            continue;
        }
        std::cout << (dtype == "f32" ? evaluate<float>(op, in) : evaluate<double>(op, in)) << '\n';
    }
    return 0;
}
