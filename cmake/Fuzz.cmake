# DETAUDIT_FUZZ=ON: a build for libFuzzer (clang only). Everything is instrumented for coverage
# (-fsanitize=fuzzer-no-link) and checked by ASan and UBSan; only the fuzz target links libFuzzer's
# main. The build holds the library and tests/fuzz only: the app, unit tests and benchmarks belong
# to the ordinary presets.
if(DETAUDIT_FUZZ)
  if(NOT CMAKE_CXX_COMPILER_ID MATCHES "Clang")
    message(FATAL_ERROR "DETAUDIT_FUZZ=ON needs clang (libFuzzer): configure with the 'fuzz' preset "
                        "or CC=clang CXX=clang++")
  endif()
  if(DETAUDIT_SANITIZE)
    message(FATAL_ERROR "DETAUDIT_FUZZ=ON brings its own sanitizers: leave DETAUDIT_SANITIZE off")
  endif()
  add_compile_options(-fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=undefined
                      -fno-omit-frame-pointer -g)
  add_link_options(-fsanitize=address,undefined)
endif()
