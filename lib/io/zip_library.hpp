// libzip, opened with dlopen the first time an .npz archive is read. Linking it (and, through it,
// libcrypto, libbz2 and zlib) cost every start of detaudit about a third of what the libraries
// cost; only `.npz` outputs and `detaudit compare` of archives need it (docs/performance.md).
#pragma once
#include <zip.h>

namespace detaudit {

struct ZipLibrary {
    decltype(&zip_open) open;
    decltype(&zip_open_from_source) open_from_source;
    decltype(&zip_discard) discard;
    decltype(&zip_get_num_entries) get_num_entries;
    decltype(&zip_stat_init) stat_init;
    decltype(&zip_stat_index) stat_index;
    decltype(&zip_fopen_index) fopen_index;
    decltype(&zip_fread) fread;
    decltype(&zip_fclose) fclose;
    decltype(&zip_file_get_error) file_get_error;
    decltype(&zip_strerror) strerror;
    decltype(&zip_error_init) error_init;
    decltype(&zip_error_init_with_code) error_init_with_code;
    decltype(&zip_error_strerror) error_strerror;
    decltype(&zip_error_fini) error_fini;
    decltype(&zip_source_buffer_create) source_buffer_create;
    decltype(&zip_source_free) source_free;
};

inline constexpr const char* k_zip_soname = "libzip.so.4";

// Loads libzip once (thread-safe). Throws Error ("cannot read .npz archives: ...", with dlerror's
// reason) when it cannot be loaded or lacks a function, every time it is asked.
const ZipLibrary& zip_library();

} // namespace detaudit
