# Every dependency comes from Debian packages (scripts/setup-debian.sh installs them).
find_package(Threads REQUIRED)
find_package(OpenMP REQUIRED COMPONENTS CXX)
find_package(fmt REQUIRED)
find_package(nlohmann_json 3.10 REQUIRED)
find_package(CLI11 REQUIRED)
find_package(PkgConfig REQUIRED)
pkg_check_modules(XXHASH REQUIRED IMPORTED_TARGET libxxhash)
# .npz archives (zip files of .npy members) for `detaudit compare`: Debian libzip-dev.
pkg_check_modules(LIBZIP REQUIRED IMPORTED_TARGET libzip)
find_package(Catch2 2 REQUIRED)
find_package(Python3 REQUIRED COMPONENTS Interpreter)
# Debian's python3 has numpy and jsonschema; a python3 earlier on PATH may not.
if(EXISTS /usr/bin/python3)
  set(DETAUDIT_PYTHON /usr/bin/python3 CACHE FILEPATH "Python with numpy and jsonschema, for tests")
else()
  set(DETAUDIT_PYTHON ${Python3_EXECUTABLE} CACHE FILEPATH "Python with numpy and jsonschema, for tests")
endif()
# The system BLAS for matmul's `blas` algorithm: Debian's OpenBLAS (pthread flavour), whose
# openblas_set_num_threads/openblas_get_config let detaudit set and report its configuration.
pkg_check_modules(OPENBLAS REQUIRED IMPORTED_TARGET openblas)
# MPFR: the elementwise accuracy references (lib/audit/mpfr_reference.cpp).
pkg_check_modules(MPFR REQUIRED IMPORTED_TARGET mpfr)
