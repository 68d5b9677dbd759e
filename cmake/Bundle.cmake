# The relocatable bundle (scripts/bundle.sh, docs/gpu-validation.md): `cmake --install <build>
# --component bundle --prefix STAGE` puts detaudit, the GPU test program and bench_cuda in
# STAGE/bin with the RPATH `$ORIGIN/../lib`, where bundle.sh copies the shared libraries they need.
#
# DT_RPATH, not DT_RUNPATH (--disable-new-dtags): the loader applies an executable's DT_RPATH to
# the dependencies of its dependencies too (libopenblas → libgfortran), DT_RUNPATH only to its own.
# An RPATH rather than a wrapper exporting LD_LIBRARY_PATH: the programs detaudit runs (exec
# operations: PyTorch...) must not inherit our libstdc++ or libgomp. CMake rewrites the RPATH at
# install time itself, so no patchelf is needed.
set(detaudit_bundle_targets detaudit)
foreach(target IN ITEMS detaudit_gpu_tests bench_cuda)
  if(TARGET ${target})
    list(APPEND detaudit_bundle_targets ${target})
  endif()
endforeach()
foreach(target IN LISTS detaudit_bundle_targets)
  set_target_properties(${target} PROPERTIES INSTALL_RPATH "$ORIGIN/../lib")
  target_link_options(${target} PRIVATE "LINKER:--disable-new-dtags")
endforeach()
# EXCLUDE_FROM_ALL: only `--component bundle` installs these; the package (cmake/Install.cmake) has
# detaudit alone.
install(TARGETS ${detaudit_bundle_targets} RUNTIME DESTINATION bin COMPONENT bundle EXCLUDE_FROM_ALL)

# The bundle built from this build, unpacked elsewhere and checked there (tests/bundle): only where
# it can be built, i.e. with the CUDA backend and the benchmarks (the release preset in CI).
if(TARGET detaudit_gpu_tests AND TARGET bench_cuda)
  add_test(NAME gpu_bundle
           COMMAND ${DETAUDIT_PYTHON} -B ${PROJECT_SOURCE_DIR}/tests/bundle/test_bundle.py
                   ${PROJECT_SOURCE_DIR} ${PROJECT_BINARY_DIR} ${PROJECT_BINARY_DIR}/tests/bundle)
  set_tests_properties(gpu_bundle PROPERTIES LABELS bundle TIMEOUT 300)
endif()

# The CUDA plugin goes to lib/detaudit/, where detaudit looks for it ($ORIGIN/../lib/detaudit).
# Its DT_RPATH $ORIGIN/.. is the bundle's lib/ (libstdc++ and the other copied libraries); cuBLAS
# and cuRAND come from the machine, as for the programs in bin/.
if(TARGET detaudit_cuda_plugin)
  set_target_properties(detaudit_cuda_plugin PROPERTIES INSTALL_RPATH "$ORIGIN/..")
  target_link_options(detaudit_cuda_plugin PRIVATE "LINKER:--disable-new-dtags")
  install(TARGETS detaudit_cuda_plugin LIBRARY DESTINATION lib/detaudit COMPONENT bundle)
endif()
