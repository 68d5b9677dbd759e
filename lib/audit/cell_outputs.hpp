// What the runner keeps per output while an op's cells run: built-in ops have one output (named
// ""), an exec op one per file its program writes. Each output gets its own report entry.
#pragma once
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>
#include "compare/stored_output.hpp"
#include "report/report.hpp"
#include "scenario/scenario.hpp"

namespace detaudit {

// One output of one cell across its runs: the report's cell, and run 1's buffer (the reference,
// kept for the cross comparisons) and the current run's.
struct OutputTrack {
    Cell cell;
    std::optional<StoredOutput> reference, current;
    std::set<std::string> distinct;
};

// A cell's outcome: per output name (built-in ops have one, named ""), plus the cell itself
// for outputs it never saw; `whole`: the cell was skipped or failed as a whole.
struct CellRun {
    Cell shared;
    bool whole = false;
    std::map<std::string, OutputTrack> tracks;
    std::vector<std::string> order; // the tracks' names as the runs produced them (archive order in an .npz)
};

// A finished cell as the reports need it: per output, its Cell (the buffers are gone).
struct CellRecord {
    Cell shared;
    bool whole = false;
    std::map<std::string, Cell> outputs;
};

// Everything an op accumulates per output name across its cells.
struct OutputState {
    std::map<std::string, std::shared_ptr<const StoredOutput>> base_reference; // backend -> base variant's first run
    std::vector<CellComparison> across_variants, cross_backend;
};

struct OpOutputs {
    std::vector<std::string> names; // in the order first seen (declared names first)
    std::map<std::string, OutputState> states;
    void add(const std::string& name) {
        if (states.try_emplace(name).second) names.push_back(name);
    }
    OutputState& state(const std::string& name) { return states.at(name); }
};

// Variant and output names become directory names: anything but [A-Za-z0-9._=,+-] becomes '_'
// (an env axis value may hold '/'), and a name so changed, or longer than 80 characters, is cut
// to 80 and gets "-" and 8 hex digits of its digest, so two names never share a directory.
std::string path_safe(const std::string& name);
// The outputs an op is known to write before it runs: "" for a built-in op's single buffer; an
// exec op's outputs that are plain files (globs and .npz archives name what they hold once
// it is seen).
std::vector<std::string> declared_output_names(const OpSpec& op);
// Puts an exec op's output names in the order of its `outputs` as written: each pattern's files
// at its place, in the order they were seen (a glob's in name order, an .npz's members in archive
// order). A name no pattern matches goes last.
void order_as_declared(const OpSpec& op, std::vector<std::string>& names);
} // namespace detaudit
