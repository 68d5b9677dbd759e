// Comparison statistics as text, the same in every reporter and in expectation details: what a
// number means depends on the dtype (docs/algorithms.md, "Comparison metrics").
#pragma once
#include <cstddef>
#include <string>
#include "compare/diff_stats.hpp"

namespace detaudit {

// "1 byte", "3 NaN mismatches".
std::string count_text(std::size_t n, const char* one, const char* many);

// A magnitude for people: 6 significant digits, but never rounded up to a power of ten it does
// not reach ("0.9999996", not "1"); infinities and NaN as "inf", "nan".
std::string magnitude_text(double v);

// "2 of 8 elements differ", "1 of 1 byte differs".
std::string differing_text(const DiffStats& d);

// Does max_ulp mean a distance in ULP (floats, complex parts)? Integers' and bools' is |a - b|
// (printed as max abs); raw bytes have none.
bool has_ulp(const DiffStats& d);

// One line: "4 of 10 elements differ, max 3 ULP, max abs 1.5e-07, max rel 2.1e-07, 1 NaN mismatch";
// integers and bools without ULP; raw bytes: "3 of 5 bytes differ, first at offset 2".
std::string describe_diff(const DiffStats& d);

} // namespace detaudit
