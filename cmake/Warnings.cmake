# Flags for detaudit's own targets: warnings are errors, and the compiler may not fuse or
# re-associate floating-point operations (the algorithms define their order of operations).
add_library(detaudit_flags INTERFACE)
target_compile_options(detaudit_flags INTERFACE
  $<$<COMPILE_LANGUAGE:CXX>:-Wall -Wextra -Wpedantic -Werror -ffp-contract=off -fno-fast-math>)
# GCC 12 reports false -Wrestrict positives inside std::string concatenation at -O3 (GCC PR 105329).
if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU" AND CMAKE_CXX_COMPILER_VERSION VERSION_LESS 13)
  target_compile_options(detaudit_flags INTERFACE $<$<COMPILE_LANGUAGE:CXX>:-Wno-restrict>)
endif()
if(DETAUDIT_SANITIZE)
  target_compile_options(detaudit_flags INTERFACE
    $<$<COMPILE_LANGUAGE:CXX>:-fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer>)
  target_link_options(detaudit_flags INTERFACE -fsanitize=address,undefined)
endif()
