// --dump-dir's files (docs/cli.md): an op's inputs, and the reference and first differing run of
// a cell whose runs differ, under <dump-dir>/<op id>/.
#pragma once
#include <string>
#include "common/buffer.hpp"
#include "scenario/scenario.hpp"

namespace detaudit {

class DumpWriter {
public:
    explicit DumpWriter(std::string dump_dir) : m_dump_dir(std::move(dump_dir)) {}

    // Writes <dump-dir>/<op id>/<sub>: an array as .npy, a file that is not an array (an exec
    // output) as its own bytes in .bytes. Nothing without a dump directory.
    void write(const OpSpec& op, const std::string& sub, const Buffer& b) const;

    // Where one cell's dumps go: "<backend>/<variant>/" then, for a named output, its name.
    static std::string cell_dir(const std::string& backend, const Variant& variant, const std::string& output);

private:
    std::string m_dump_dir;
};

} // namespace detaudit
