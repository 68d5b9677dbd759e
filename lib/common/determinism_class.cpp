#include "common/determinism_class.hpp"

namespace detaudit {

std::string_view design_class_name(DesignClass c) {
    switch (c) {
    case DesignClass::not_guaranteed: return "not_guaranteed";
    case DesignClass::run_to_run: return "run_to_run";
    case DesignClass::variant_invariant: return "variant_invariant";
    case DesignClass::cross_backend: return "cross_backend";
    case DesignClass::unknown: break;
    }
    return "unknown";
}

std::string_view measured_class_name(MeasuredClass c) {
    switch (c) {
    case MeasuredClass::nondeterministic: return "nondeterministic";
    case MeasuredClass::run_to_run: return "run_to_run";
    case MeasuredClass::variant_invariant: return "variant_invariant";
    case MeasuredClass::not_measured: break;
    }
    return "not_measured";
}

bool contradicts_design(DesignClass design, MeasuredClass measured) {
    if (design == DesignClass::unknown || measured == MeasuredClass::not_measured) return false;
    // Both scales share their first three rungs, so ranks compare directly. The measured class
    // stops at variant_invariant: cross-backend identity is judged by its own comparison, so a
    // cross_backend design is satisfied here by a variant_invariant measurement.
    auto design_rank = [&] {
        switch (design) {
        case DesignClass::not_guaranteed: return 0;
        case DesignClass::run_to_run: return 1;
        case DesignClass::variant_invariant:
        case DesignClass::cross_backend:
        case DesignClass::unknown: break;
        }
        return 2;
    }();
    auto measured_rank = [&] {
        switch (measured) {
        case MeasuredClass::nondeterministic: return 0;
        case MeasuredClass::run_to_run: return 1;
        case MeasuredClass::variant_invariant:
        case MeasuredClass::not_measured: break;
        }
        return 2;
    }();
    return measured_rank < design_rank;
}

} // namespace detaudit
