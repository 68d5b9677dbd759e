#include "mpfr_reference.hpp"
#include <cmath>
#include <functional>
#include <mpfr.h>
#include "common/error.hpp"

namespace detaudit {
namespace {

constexpr mpfr_prec_t k_composite_precision = 256;

// The target format: its significand bits and the exponent of its smallest subnormal.
struct Target {
    mpfr_prec_t precision;
    long lsb_exponent;
};
constexpr Target k_f32{24, -149}, k_f64{53, -1074};

// Evaluates the function into `out` at out's precision, rounded to nearest; returns MPFR's
// ternary value (the sign of rounded - exact).
using Evaluate = std::function<int(mpfr_ptr out)>;

// Rounded once to the target with IEEE's subnormals: MPFR's exponent range is unbounded, so a
// result in the subnormal range is evaluated again at the precision its place there allows.
double round_to_target(const Evaluate& evaluate, const Target& target, mpfr_ptr work, bool single) {
    const auto get = [&](mpfr_srcptr v) { return single ? double(mpfr_get_flt(v, MPFR_RNDN)) : mpfr_get_d(v, MPFR_RNDN); };
    mpfr_set_prec(work, target.precision);
    const int ternary = evaluate(work);
    if (!mpfr_regular_p(work)) return get(work); // NaN, infinities, zeros
    const long exponent = mpfr_get_exp(work);     // |value| in [2^(exponent-1), 2^exponent)
    const long bits_available = exponent - target.lsb_exponent;
    if (bits_available >= target.precision) return get(work); // normal, or overflow to infinity
    const double sign = mpfr_signbit(work) ? -1.0 : 1.0;
    if (bits_available >= 1) {
        mpfr_set_prec(work, bits_available);
        evaluate(work);
        return get(work);
    }
    if (bits_available < 0) return sign * 0.0;
    // In [half the smallest subnormal, the smallest): above the half rounds up, the half itself
    // is a tie that goes to zero (even).
    const bool exactly_half = mpfr_cmp_si_2exp(work, mpfr_signbit(work) ? -1 : 1, exponent - 1) == 0;
    const bool true_value_above_half = !exactly_half || (mpfr_signbit(work) ? ternary > 0 : ternary < 0);
    return true_value_above_half ? sign * std::ldexp(1.0, int(target.lsb_exponent)) : sign * 0.0;
}

// 256-bit evaluation of the composite functions, rounded to out's precision.
int composite(const std::string& function, mpfr_srcptr x, mpfr_ptr out) {
    mpfr_t t, u;
    mpfr_init2(t, k_composite_precision);
    mpfr_init2(u, k_composite_precision);
    if (function == "sigmoid") { // 1 / (1 + e^-x)
        mpfr_neg(t, x, MPFR_RNDN);
        mpfr_exp(t, t, MPFR_RNDN);
        mpfr_add_ui(t, t, 1, MPFR_RNDN);
        mpfr_ui_div(t, 1, t, MPFR_RNDN);
    } else { // gelu, tanh form: 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3)))
        mpfr_pow_ui(t, x, 3, MPFR_RNDN);
        mpfr_set_str(u, "0.044715", 10, MPFR_RNDN);
        mpfr_mul(t, t, u, MPFR_RNDN);
        mpfr_add(t, t, x, MPFR_RNDN);
        mpfr_const_pi(u, MPFR_RNDN);
        mpfr_ui_div(u, 2, u, MPFR_RNDN);
        mpfr_sqrt(u, u, MPFR_RNDN);
        mpfr_mul(t, t, u, MPFR_RNDN);
        mpfr_tanh(t, t, MPFR_RNDN);
        mpfr_add_ui(t, t, 1, MPFR_RNDN);
        mpfr_mul(t, t, x, MPFR_RNDN);
        mpfr_div_2ui(t, t, 1, MPFR_RNDN);
    }
    const int ternary = mpfr_set(out, t, MPFR_RNDN);
    mpfr_clear(t);
    mpfr_clear(u);
    return ternary;
}

int evaluate_function(const std::string& f, mpfr_ptr out, mpfr_srcptr x, mpfr_srcptr y) {
    const mpfr_rnd_t r = MPFR_RNDN;
    if (f == "exp") return mpfr_exp(out, x, r);
    if (f == "log") return mpfr_log(out, x, r);
    if (f == "log1p") return mpfr_log1p(out, x, r);
    if (f == "expm1") return mpfr_expm1(out, x, r);
    if (f == "sin") return mpfr_sin(out, x, r);
    if (f == "cos") return mpfr_cos(out, x, r);
    if (f == "tan") return mpfr_tan(out, x, r);
    if (f == "tanh") return mpfr_tanh(out, x, r);
    if (f == "erf") return mpfr_erf(out, x, r);
    if (f == "pow") return mpfr_pow(out, x, y, r);
    if (f == "sqrt") return mpfr_sqrt(out, x, r);
    if (f == "rsqrt") return mpfr_rec_sqrt(out, x, r);
    if (f == "sigmoid" || f == "gelu") return composite(f, x, out);
    throw Error(ErrorKind::runtime, "accuracy has no MPFR reference for elementwise " + f);
}

// Per-thread MPFR variables (inputs hold any f64 exactly at 53 bits).
struct Scratch {
    mpfr_t x, y, work;
    Scratch() {
        mpfr_init2(x, 53);
        mpfr_init2(y, 53);
        mpfr_init2(work, 53);
    }
    ~Scratch() {
        mpfr_clear(x);
        mpfr_clear(y);
        mpfr_clear(work);
        mpfr_free_cache(); // this thread's cached constants (pi)
    }
    Scratch(const Scratch&) = delete;
    Scratch& operator=(const Scratch&) = delete;
    double value(const std::string& function, double xv, double yv, bool single) {
        mpfr_set_d(x, xv, MPFR_RNDN);
        mpfr_set_d(y, yv, MPFR_RNDN);
        return round_to_target([&](mpfr_ptr out) { return evaluate_function(function, out, x, y); },
                               single ? k_f32 : k_f64, work, single);
    }
};

template <typename T> void fill(const std::string& function, const std::vector<Buffer>& inputs, Buffer& out) {
    const T* x = inputs.at(0).as<T>();
    const T* y = inputs.size() > 1 ? inputs[1].as<T>() : nullptr;
    T* o = out.as<T>();
    const auto n = static_cast<std::ptrdiff_t>(out.elements());
#pragma omp parallel
    {
        Scratch scratch;
#pragma omp for schedule(dynamic, 1024)
        for (std::ptrdiff_t i = 0; i < n; ++i)
            o[i] = static_cast<T>(scratch.value(function, double(x[i]), y ? double(y[i]) : 0.0, sizeof(T) == 4));
    }
}

} // namespace

void elementwise_reference(const std::string& function, const std::vector<Buffer>& inputs, Buffer& out) {
    if (function != "exp" && function != "log" && function != "log1p" && function != "expm1" && function != "sin" &&
        function != "cos" && function != "tan" && function != "tanh" && function != "erf" && function != "pow" &&
        function != "sqrt" && function != "rsqrt" && function != "sigmoid" && function != "gelu")
        throw Error(ErrorKind::runtime, "accuracy has no MPFR reference for elementwise " + function);
    if (out.dtype() == DType::f32) fill<float>(function, inputs, out);
    else fill<double>(function, inputs, out);
}

double mpfr_correctly_rounded(const std::string& function, double x, double y, bool single) {
    Scratch scratch;
    return scratch.value(function, x, y, single);
}

} // namespace detaudit
