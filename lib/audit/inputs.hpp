// Op inputs, generated once per op on the host with Philox keyed by (seed, op id, input name), shared by
// every backend and variant, so any difference between cells comes from the op itself.
#pragma once
#include <atomic>
#include <cstdint>
#include "backends/backend.hpp"

namespace detaudit {

// The Philox key of one input of an op: XXH3-64 of "<op id>/<input name>", seeded with the op's seed.
uint64_t input_key(const OpSpec& op, const std::string& input_name);
// `stop` set (Ctrl-C) while generating: the inputs returned are incomplete and must not be used.
OpInputs generate_inputs(const OpSpec& op, const std::atomic<bool>* stop = nullptr);
// Names of the input buffers, in OpInputs order, for keys and dump files ("x" for reduce).
std::vector<std::string> input_names(const OpSpec& op);

} // namespace detaudit
