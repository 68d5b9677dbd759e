// What an algorithm promises (the catalog's design class) and what the runs showed (the measured
// class): low in the tree, since the catalog states the one and the report holds both.
#pragma once
#include <string_view>

namespace detaudit {

enum class DesignClass { not_guaranteed, run_to_run, variant_invariant, cross_backend, unknown };
std::string_view design_class_name(DesignClass c);

// What the runs showed for one op on one backend.
enum class MeasuredClass { nondeterministic, run_to_run, variant_invariant, not_measured };
std::string_view measured_class_name(MeasuredClass c);
// True when `measured` is weaker than what `design` promises.
bool contradicts_design(DesignClass design, MeasuredClass measured);

} // namespace detaudit
