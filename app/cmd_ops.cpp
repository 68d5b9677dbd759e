// `detaudit ops`: the catalog — kinds, algorithms, backends with design classes, parameters.
#include <iostream>
#include "catalog/catalog.hpp"
#include "commands.hpp"

namespace detaudit::app {

void add_ops_command(CLI::App& cli, Action& action) {
    auto as_json = std::make_shared<bool>(false);
    CLI::App* ops = cli.add_subcommand("ops", "List the operation catalog: kinds, algorithms, the backends that "
                                              "implement each with its design class, and parameters with defaults");
    ops->add_flag("--json", *as_json, "Print the catalog as JSON");
    ops->callback([as_json, &action] {
        action = [as_json] {
            if (*as_json) {
                std::cout << catalog_to_json().dump(2) << "\n";
                return 0;
            }
            for (const auto& kind : catalog()) {
                std::cout << kind.name << ": " << kind.description << "\n  parameters:\n";
                for (const auto& p : kind.params)
                    std::cout << "    " << p.name << " (default " << p.default_value.dump() << "): " << p.description << "\n";
                std::cout << "  algorithms (backend: design class):\n";
                for (const auto& a : kind.algorithms) {
                    std::string backends;
                    for (const auto& [b, dc] : a.backends)
                        backends += (backends.empty() ? "" : ", ") + b + ": " + std::string(design_class_name(dc));
                    std::cout << "    " << a.name << " [" << backends << "]\n      " << a.description << "\n";
                    // The claim depends on parameters too: say when it is weaker, and why.
                    for (const auto& c : a.weaker_when)
                        std::cout << "      with " << c.param << " " << c.value << ": at most "
                                  << design_class_name(c.at_most) << " on every backend: " << c.reason << "\n";
                    for (const auto& [b, why] : a.missing_in_build)
                        std::cout << "      not in this build on " << b << ": " << why << " (its cells are skipped)\n";
                }
            }
            std::cout << "design classes, weakest first: not_guaranteed < run_to_run < variant_invariant < cross_backend;\n"
                         "unknown: measured, not claimed (e.g. the system BLAS); a class shown for an algorithm holds unless\n"
                         "a \"with PARAM VALUE\" line below it caps it for those parameters\n";
            return 0;
        };
    });
}

} // namespace detaudit::app
