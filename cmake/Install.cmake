# The package: what `cmake --install <build> [--prefix P]` lays out and what `cpack -G DEB` packs
# (README "Install", scripts/check-package.sh). Everything under the prefix:
#
#   bin/detaudit
#   lib/detaudit/                              plugins (DETAUDIT_INSTALL_PLUGIN_DIR), see below
#   share/detaudit/scenarios/                  the example scenarios and the programs they run
#   share/detaudit/python/detaudit_trace.py    the trace helper (found beside the binary)
#   share/doc/detaudit/                        README.md, docs/
#   share/man/man1/detaudit.1                  from --help (scripts/gen-man-page.sh, help2man)
#   share/bash-completion/completions/detaudit from packaging/detaudit.bash (reads --help)
#
# The GPU bundle's rule (cmake/Bundle.cmake) is its own component, outside this default install.
install(TARGETS detaudit RUNTIME DESTINATION bin)
install(FILES ${PROJECT_SOURCE_DIR}/python/detaudit_trace.py DESTINATION share/detaudit/python)
# The scenarios' exec programs are named relative to the scenario file (programs/...), and
# pytorch_train.py imports the trace helper from ../../python: share/detaudit keeps both relations.
install(DIRECTORY ${PROJECT_SOURCE_DIR}/scenarios/ DESTINATION share/detaudit/scenarios
        PATTERN __pycache__ EXCLUDE)
install(FILES ${PROJECT_SOURCE_DIR}/README.md DESTINATION share/doc/detaudit)
install(DIRECTORY ${PROJECT_SOURCE_DIR}/docs/ DESTINATION share/doc/detaudit/docs)
install(FILES ${PROJECT_SOURCE_DIR}/packaging/detaudit.bash
        DESTINATION share/bash-completion/completions RENAME detaudit)

# Plugins that detaudit loads at run time (the CUDA backend as a shared library) go here, beside
# nothing else of ours: install(TARGETS <plugin> LIBRARY DESTINATION ${DETAUDIT_INSTALL_PLUGIN_DIR}).
set(DETAUDIT_INSTALL_PLUGIN_DIR lib/detaudit)

# The man page, built with the binary; without help2man (apt-get install help2man) there is none.
find_program(DETAUDIT_HELP2MAN help2man)
if(DETAUDIT_HELP2MAN)
  set(detaudit_man_page ${PROJECT_BINARY_DIR}/man/detaudit.1)
  add_custom_command(
    OUTPUT ${detaudit_man_page}
    COMMAND ${CMAKE_COMMAND} -E make_directory ${PROJECT_BINARY_DIR}/man
    COMMAND ${PROJECT_SOURCE_DIR}/scripts/gen-man-page.sh $<TARGET_FILE:detaudit> ${detaudit_man_page}
    DEPENDS detaudit ${PROJECT_SOURCE_DIR}/scripts/gen-man-page.sh ${PROJECT_SOURCE_DIR}/packaging/detaudit.h2m
    COMMENT "Generating the man page detaudit.1 from --help"
    VERBATIM)
  add_custom_target(detaudit_man_page ALL DEPENDS ${detaudit_man_page})
  install(FILES ${detaudit_man_page} DESTINATION share/man/man1)
else()
  message(WARNING "help2man not found: no man page (scripts/setup-debian.sh installs it)")
endif()

# Tests of what the package installs (tests/package): the man page against --help, the completion in
# bash, and an install into a scratch prefix used from there.
if(DETAUDIT_HELP2MAN)
  add_test(NAME package_man_page
           COMMAND ${DETAUDIT_PYTHON} -B ${PROJECT_SOURCE_DIR}/tests/package/test_man_page.py
                   $<TARGET_FILE:detaudit> ${PROJECT_SOURCE_DIR} ${detaudit_man_page}
                   ${PROJECT_BINARY_DIR}/tests/package/man)
  set_tests_properties(package_man_page PROPERTIES LABELS package TIMEOUT 300)
endif()
add_test(NAME package_completion
         COMMAND ${DETAUDIT_PYTHON} -B ${PROJECT_SOURCE_DIR}/tests/package/test_completion.py
                 $<TARGET_FILE:detaudit> ${PROJECT_SOURCE_DIR} ${PROJECT_BINARY_DIR}/tests/package/completion)
add_test(NAME package_install
         COMMAND ${DETAUDIT_PYTHON} -B ${PROJECT_SOURCE_DIR}/tests/package/test_install.py
                 ${PROJECT_BINARY_DIR} ${PROJECT_SOURCE_DIR} ${PROJECT_BINARY_DIR}/tests/package/install)
# Each completion starts detaudit (a few ms now that CUDA is a plugin; seconds on a busy machine before).
set_tests_properties(package_completion PROPERTIES LABELS package TIMEOUT 600)
set_tests_properties(package_install PROPERTIES LABELS package TIMEOUT 300)

# The Debian package: `cpack -G DEB` in the build directory. Depends come from dpkg-shlibdeps over
# the installed binaries; a library no Debian package owns (a CUDA toolkit from NVIDIA's installer)
# is left out of them (CPack passes --ignore-missing-info). scripts/check-package.sh refuses a
# package whose Depends name a CUDA package: the CUDA libraries are never hard dependencies.
set(CPACK_PACKAGE_NAME detaudit)
set(CPACK_PACKAGE_VENDOR "detaudit")
set(CPACK_PACKAGE_CONTACT "detaudit maintainers <detaudit@localhost>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "audit numeric operations for bit-for-bit reproducibility")
string(CONCAT CPACK_DEBIAN_PACKAGE_DESCRIPTION
    "detaudit runs declared numeric operations (reductions, matmuls, scatters, RNG, elementwise\n"
    "functions, or your own programs) many times, under several thread counts, schedules and\n"
    "backends, reports which reproduce bit for bit and how far the rest drift, and gates CI on it.")
if(DETAUDIT_HAVE_CUDA)
  string(APPEND CPACK_DEBIAN_PACKAGE_DESCRIPTION
    "\n\nThis build ships the CUDA backend as a plugin (lib/detaudit/libdetaudit_cuda.so), loaded only\n"
    "when a run uses it; it needs the CUDA ${CUDAToolkit_VERSION_MAJOR} libraries cuBLAS and cuRAND (NVIDIA's CUDA toolkit)\n"
    "on the loader path. They are not package dependencies: without them the cuda backend reports\n"
    "itself unavailable and detaudit runs everything else.")
endif()
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION science)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
# OpenBLAS and libzip are opened with dlopen (kernels/cpu/blas_library.cpp, lib/io/zip_library.cpp),
# so dpkg-shlibdeps cannot see them: the packages their shlibs files name, stated here.
set(CPACK_DEBIAN_PACKAGE_DEPENDS "libopenblas0, libzip4 (>= 1.7.3)")
# Traced exec operations and the example programs run Debian's Python with numpy (PyTorch for two).
set(CPACK_DEBIAN_PACKAGE_SUGGESTS "python3-numpy, python3-torch")
set(CPACK_STRIP_FILES ON)
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_SOURCE_IGNORE_FILES "/build/;/\\\\.git/")
include(CPack)
