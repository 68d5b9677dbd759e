#include "zip_library.hpp"
#include <dlfcn.h>
#include <optional>
#include <string>
#include "common/error.hpp"

namespace detaudit {
namespace {

struct Loaded {
    std::optional<ZipLibrary> library;
    std::string why_not; // when library is empty
};

template <typename Fn> bool bind(void* handle, const char* name, Fn& slot, std::string& why_not) {
    slot = reinterpret_cast<Fn>(dlsym(handle, name));
    if (slot == nullptr && why_not.empty()) why_not = std::string(k_zip_soname) + " has no function " + name;
    return slot != nullptr;
}

Loaded load() {
    // Never closed: archives may be read again at any time, from any thread.
    void* handle = dlopen(k_zip_soname, RTLD_NOW | RTLD_LOCAL);
    if (handle == nullptr) {
        const char* why = dlerror();
        return {std::nullopt, why != nullptr ? why : k_zip_soname};
    }
    ZipLibrary z{};
    std::string why_not;
    bind(handle, "zip_open", z.open, why_not);
    bind(handle, "zip_open_from_source", z.open_from_source, why_not);
    bind(handle, "zip_discard", z.discard, why_not);
    bind(handle, "zip_get_num_entries", z.get_num_entries, why_not);
    bind(handle, "zip_stat_init", z.stat_init, why_not);
    bind(handle, "zip_stat_index", z.stat_index, why_not);
    bind(handle, "zip_fopen_index", z.fopen_index, why_not);
    bind(handle, "zip_fread", z.fread, why_not);
    bind(handle, "zip_fclose", z.fclose, why_not);
    bind(handle, "zip_file_get_error", z.file_get_error, why_not);
    bind(handle, "zip_strerror", z.strerror, why_not);
    bind(handle, "zip_error_init", z.error_init, why_not);
    bind(handle, "zip_error_init_with_code", z.error_init_with_code, why_not);
    bind(handle, "zip_error_strerror", z.error_strerror, why_not);
    bind(handle, "zip_error_fini", z.error_fini, why_not);
    bind(handle, "zip_source_buffer_create", z.source_buffer_create, why_not);
    bind(handle, "zip_source_free", z.source_free, why_not);
    if (!why_not.empty()) return {std::nullopt, why_not};
    return {z, {}};
}

} // namespace

const ZipLibrary& zip_library() {
    static const Loaded loaded = load();
    if (!loaded.library)
        throw Error(ErrorKind::runtime, "cannot read .npz archives: libzip could not be loaded: " + loaded.why_not);
    return *loaded.library;
}

} // namespace detaudit
