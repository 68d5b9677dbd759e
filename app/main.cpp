// detaudit: runs declared numeric operations many times, in many configurations, and proves bit
// for bit which ones reproduce. main maps every failure to one line and an exit code (DESIGN §7).
#include <iostream>
#include "commands.hpp"
#include "common/error.hpp"
#include "stop_signals.hpp"

int main(int argc, char** argv) {
    using namespace detaudit;
    // Before anything else, so a Ctrl-C while the scenario is read or planned is a clean stop too.
    app::install_signal_handlers();
    CLI::App cli{"detaudit: audits numeric operations for bit-for-bit reproducibility across runs,\n"
                 "thread counts, schedules and backends, and gates CI on the result.",
                 "detaudit"};
    cli.set_version_flag("--version", app::version_text());
    cli.require_subcommand(1);
    cli.footer("Exit codes: 0 expectations held, 1 an expectation failed, 2 bad input, 3 a required\n"
               "backend is unavailable, 4 an operation failed, 130 interrupted.\n"
               "Docs: README.md, docs/cli.md, docs/scenario-format.md");
    app::Action action;
    app::add_run_command(cli, action);
    app::add_validate_command(cli, action);
    app::add_ops_command(cli, action);
    app::add_env_command(cli, action);
    app::add_compare_command(cli, action);
    app::add_trace_diff_command(cli, action);
    app::add_report_command(cli, action);
    app::add_merge_command(cli, action);
    app::add_diff_command(cli, action);
    try {
        cli.parse(argc, argv);
    } catch (const CLI::CallForHelp& e) {
        return cli.exit(e);
    } catch (const CLI::CallForAllHelp& e) {
        return cli.exit(e);
    } catch (const CLI::CallForVersion& e) {
        return cli.exit(e);
    } catch (const CLI::RequiredError& e) {
        // CLI11 reports an unknown command word as "a subcommand is required": name the word.
        const std::string first = argc >= 2 ? argv[1] : "";
        if (!first.empty() && first[0] != '-' && first != "run" && first != "validate" && first != "ops" && first != "env" &&
            first != "compare" && first != "trace-diff" && first != "merge" && first != "diff") {
            std::cerr << "detaudit: unknown command \"" << argv[1] << "\" (valid: run, validate, ops, env, compare, trace-diff, merge, diff; see --help)\n";
            return exit_code::k_bad_input;
        }
        std::cerr << "detaudit: " << e.what() << " (see --help)\n";
        return exit_code::k_bad_input;
    } catch (const CLI::ParseError& e) {
        std::cerr << "detaudit: " << e.what() << " (see --help)\n";
        return exit_code::k_bad_input;
    }
    // Only run stops cleanly (its reports of the runs completed); the others end at once.
    if (!cli.got_subcommand("run")) app::stop_signals_end_detaudit();
    try {
        return action();
    } catch (const Error& e) {
        std::cerr << "detaudit: " << e.what() << "\n";
        return exit_code_for(e.kind());
    } catch (const std::exception& e) {
        std::cerr << "detaudit: internal error: " << e.what() << "\n";
        return exit_code::k_execution_failed;
    }
}
