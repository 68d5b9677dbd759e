// `detaudit compare A B`: two .npy/.npz files, or two directories of them, element by element
// (DESIGN.md §5 metrics) against a tolerance; exit 0 within it, 1 beyond it, 2 on bad input.
#include <cmath>
#include <cstdlib>
#include <iostream>
#include "commands.hpp"
#include "common/error.hpp"
#include "compare/array_files.hpp"
#include "io/output_path.hpp"
#include "io/read_file.hpp"
#include "path_flag.hpp"
#include "report/compare_reporter.hpp"

namespace detaudit::app {
namespace {

struct CompareFlags {
    std::string a, b, json_path;
    bool quiet = false;
    double max_ulp = 0, max_abs = 0, max_rel = 0;
    CLI::Option *max_ulp_option = nullptr, *max_abs_option = nullptr, *max_rel_option = nullptr;
};

// Inputs that are not regular files (a FIFO would block, /dev/zero never ends) and report paths
// that are an input are refused before anything is read.
void check_compare_paths(const CompareFlags& flags) {
    check_regular_input(flags.a, "input A", true);
    check_regular_input(flags.b, "input B", true);
    if (!flags.json_path.empty())
        check_report_paths({{"--json", flags.json_path}}, {{"input A", flags.a}, {"input B", flags.b}});
}

int execute(const CompareFlags& flags) {
    ArrayTolerance t;
    if (flags.max_ulp_option->count()) t.max_ulp = flags.max_ulp;
    if (flags.max_abs_option->count()) t.max_abs = flags.max_abs;
    if (flags.max_rel_option->count()) t.max_rel = flags.max_rel;
    check_compare_paths(flags);
    // Everything is read and compared before anything is printed, so bad input (exit 2) leaves
    // one line on stderr and nothing on stdout.
    const ArrayFilesComparison c = compare_array_files(flags.a, flags.b, t);
    // The report file first: a console cut short (`| head`) must not cost it.
    if (!flags.json_path.empty()) write_report({"--json", flags.json_path}, render_compare_json(c));
    (!flags.json_path.empty() && report_goes_to_stdout(flags.json_path) ? std::cerr : std::cout)
        << render_compare_console(c, flags.quiet ? CompareOutput::failures : CompareOutput::all) << std::flush;
    return c.passed() ? exit_code::k_ok : exit_code::k_expectation_failed;
}

// CLI11's NonNegativeNumber prints its range as 309 digits; say it in words instead.
CLI::Validator non_negative(bool integer) {
    return CLI::Validator(
        [integer](std::string& text) -> std::string {
            const std::string expected = integer ? "a non-negative integer" : "a non-negative number";
            char* end = nullptr;
            const double v = std::strtod(text.c_str(), &end);
            const bool digits_only = !text.empty() && text.find_first_not_of("0123456789") == std::string::npos;
            if (text.empty() || end != text.c_str() + text.size() || !(v >= 0) || std::isinf(v) ||
                (integer && !digits_only))
                return "expected " + expected + ", got \"" + text + "\"";
            return "";
        },
        "");
}

} // namespace

void add_compare_command(CLI::App& cli, Action& action) {
    auto flags = std::make_shared<CompareFlags>();
    CLI::App* compare = cli.add_subcommand(
        "compare", "Compare two .npy/.npz files, or two directories of them matched by relative path, element by "
                   "element: differing elements, ULP, absolute and relative error, first difference");
    compare->add_option("A", flags->a, "Reference: a .npy or .npz file, or a directory of them")->required();
    compare->add_option("B", flags->b, "The other side: the same kind as A")->required();
    flags->max_ulp_option =
        compare->add_option("--max-ulp", flags->max_ulp,
                            "Pass arrays whose elements are at most N ULP apart (complex: per part; integers: "
                            "absolute difference at most N)")
            ->type_name("N")
            ->check(non_negative(true));
    flags->max_abs_option = compare->add_option("--max-abs", flags->max_abs,
                                                "Pass arrays whose largest absolute difference is at most X")
                                ->type_name("X")
                                ->check(non_negative(false));
    flags->max_rel_option =
        compare->add_option("--max-rel", flags->max_rel,
                            "Pass arrays whose largest relative difference |a-b|/max(|a|,|b|) is at most X")
            ->type_name("X")
            ->check(non_negative(false));
    compare->add_flag("-q,--quiet", flags->quiet,
                      "Print only the arrays beyond tolerance, the files on one side only and the summary line");
    compare->add_option("--json", flags->json_path, "Write per-array statistics as JSON here (written atomically); - is stdout")
        ->type_name("PATH")
        ->check(non_empty_path());
    compare->footer("Without a bound every array must be bit-for-bit identical; with several bounds every one must "
                    "hold.\nNaN against a number, a dtype or shape difference, and a file or member on one side "
                    "only never pass.\nExit codes: 0 every array passes, 1 one does not, 2 bad input (missing, "
                    "unreadable or malformed files).");
    compare->callback([flags, &action] { action = [flags] { return execute(*flags); }; });
}

} // namespace detaudit::app
