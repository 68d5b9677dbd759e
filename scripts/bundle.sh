#!/usr/bin/env bash
# Build the relocatable GPU bundle from a CUDA build (docs/gpu-validation.md):
#
#   scripts/bundle.sh [BUILD_DIR [ARCHIVE]]      (defaults: build/release, BUILD_DIR/detaudit-gpu-bundle.tar.gz)
#
# The archive holds one folder, detaudit-gpu-bundle/, with
#   bin/        detaudit, detaudit_gpu_tests (tests/gpu), bench_cuda; RPATH $ORIGIN/../lib
#   lib/detaudit/libdetaudit_cuda.so   the CUDA plugin detaudit loads for cuda cells; RPATH $ORIGIN/..
#   lib/        every shared library they load that is neither glibc nor the CUDA driver or
#               toolkit (found by walking ldd, plus OpenBLAS and libzip, which detaudit
#               opens with dlopen, and their closure): fmt, zip, xxhash, OpenBLAS, gfortran, gomp, ...
#   scenarios/  the example scenarios and their programs
#   run-gpu-checks.sh, README.md (docs/gpu-validation.md), MANIFEST.txt, build-env.json
# MANIFEST.txt and build-env.json record what it was built with: the cuBLAS and cuRAND versions
# compiled against, the CUDA architectures, the libraries copied and where from, and the newest
# glibc symbol version the binaries need. Nothing is compiled here: it installs what the build
# made (`cmake --install --component bundle`, which also sets the RPATH) and copies.
set -euo pipefail
src=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$src/build/release}
[[ -d $build ]] || { echo "bundle.sh: $build: no such build directory (cmake --preset release first)" >&2; exit 2; }
build=$(cd "$build" && pwd)
archive=${2:-$build/detaudit-gpu-bundle.tar.gz}
readonly name=detaudit-gpu-bundle
readonly max_bytes=$((48 * 1024 * 1024))

for program in app/detaudit tests/gpu/detaudit_gpu_tests bench/bench_cuda lib/detaudit/libdetaudit_cuda.so; do
    [[ -x $build/$program ]] || {
        echo "bundle.sh: $build/$program is missing: the bundle needs a build with the CUDA backend and" \
             "the benchmarks (cmake --preset release with the CUDA toolkit, then cmake --build --preset release)" >&2
        exit 2
    }
done

work=$(readlink -f "$(mktemp -d)")
trap 'rm -rf "$work"' EXIT
stage=$work/$name
cmake --install "$build" --component bundle --prefix "$stage" --strip >/dev/null
mkdir -p "$stage/lib"

# Libraries every Linux has and that must come from the machine itself: glibc (its loader and
# libraries are one version, bound to the kernel), and the CUDA driver and toolkit (the driver is
# tied to the kernel module; cuBLAS and cuRAND are hundreds of MB and come with the CUDA install).
is_system_library() {
    case "$1" in
        linux-vdso.so.* | ld-linux*.so.* | libc.so.* | libm.so.* | libmvec.so.* | libpthread.so.* | \
        libdl.so.* | librt.so.* | libresolv.so.* | libutil.so.* | libanl.so.* | libnsl.so.* | \
        libBrokenLocale.so.* | libthread_db.so.* | libc_malloc_debug.so.*) return 0 ;;
        libcuda.so.* | libnvidia-*.so.* | libcudart.so.* | libcublas.so.* | libcublasLt.so.* | \
        libcurand.so.* | libnvrtc*.so.* | libnvJitLink.so.* | libcufft*.so.* | libcusparse*.so.* | \
        libcusolver*.so.* | libnvToolsExt.so.* | libnvtx3*.so.*) return 0 ;;
    esac
    return 1
}

# ldd lists the whole closure (dependencies of dependencies), so one pass over the programs finds
# every library; each is copied under the name the loader asks for (its soname), links resolved.
declare -A copied=()
missing=""
readonly plugin=$stage/lib/detaudit/libdetaudit_cuda.so
for program in "$stage"/bin/* "$plugin"; do
    while read -r soname arrow path _; do
        [[ $arrow == "=>" ]] || continue
        is_system_library "$soname" && continue
        if [[ $path == "not" ]]; then
            missing+=" $soname (needed by $(basename "$program"))"
            continue
        fi
        [[ -n ${copied[$soname]:-} ]] && continue
        cp -L "$path" "$stage/lib/$soname"
        chmod 0644 "$stage/lib/$soname"
        copied[$soname]=$(readlink -f "$path")
    done < <(ldd "$program")
done
# Libraries detaudit opens with dlopen, which ldd cannot see (kernels/cpu/blas_library.cpp,
# lib/io/zip_library.cpp): found where the loader's cache puts them, copied with their closure.
for soname in libopenblas.so.0 libzip.so.4; do
    # awk reads to the end: exiting at the first match would kill ldconfig with SIGPIPE (its output
    # is larger than a pipe's buffer), which pipefail turns into a failure.
    path=$(/sbin/ldconfig -p | awk -v s="$soname" '$1 == s && /x86-64/ && !found {print $NF; found = 1}')
    [[ -n $path ]] || { missing+=" $soname (opened by detaudit with dlopen)"; continue; }
    while read -r dep arrow dep_path _; do
        [[ $arrow == "=>" && $dep_path != "not" ]] || continue
        is_system_library "$dep" || [[ -n ${copied[$dep]:-} ]] && continue
        cp -L "$dep_path" "$stage/lib/$dep"
        chmod 0644 "$stage/lib/$dep"
        copied[$dep]=$(readlink -f "$dep_path")
    done < <(ldd "$path")
    cp -L "$path" "$stage/lib/$soname"
    chmod 0644 "$stage/lib/$soname"
    copied[$soname]=$(readlink -f "$path")
done
[[ -z $missing ]] || { echo "bundle.sh: libraries not found on this machine:$missing" >&2; exit 1; }
# Debian's libraries are stripped already; this removes what is left (symbol tables of static
# parts), never the dynamic symbols the loader needs.
strip --strip-unneeded "$stage"/lib/*.so.* 2>/dev/null || true

# The bundled binaries must find every copied library inside the bundle and nothing else of ours
# outside it: check what the loader resolves from the staged tree.
for program in "$stage"/bin/* "$plugin"; do
    while read -r soname arrow path _; do
        [[ $arrow == "=>" ]] || continue
        is_system_library "$soname" && continue
        path=$(readlink -f "$path")
        [[ $path == "$stage/lib/"* ]] || {
            echo "bundle.sh: $(basename "$program") resolves $soname to $path, not inside the bundle" >&2
            exit 1
        }
    done < <(ldd "$program")
done

mkdir -p "$stage/scenarios"
cp "$src"/scenarios/*.json "$stage/scenarios/"
cp -r "$src/scenarios/programs" "$stage/scenarios/"
find "$stage/scenarios" -name __pycache__ -prune -exec rm -rf {} +
install -m 0755 "$src/scripts/run-gpu-checks.sh" "$stage/run-gpu-checks.sh"
cp "$src/docs/gpu-validation.md" "$stage/README.md"

# What it was built with. build-env.json is `detaudit env --json` on the build machine: its
# backends.cuda.details hold the cuBLAS and cuRAND versions compiled against (*_built).
"$stage/bin/detaudit" env --json >"$stage/build-env.json"
json_value() { sed -n "s/.*\"$1\": \"\([^\"]*\)\".*/\1/p" "$stage/build-env.json" | head -n 1; }
cache_value() { sed -n "s/^$1:[A-Z]*=//p" "$build/CMakeCache.txt" | head -n 1; }
glibc_needed=$(for f in "$stage"/bin/* "$stage"/lib/*; do objdump -T "$f"; done 2>/dev/null |
    grep -o 'GLIBC_[0-9][0-9.]*' | sort -u -V | tail -n 1)
{
    echo "detaudit GPU bundle"
    echo "version:             $("$stage/bin/detaudit" --version 2>/dev/null | head -n 1)"
    echo "source commit:       $(git -C "$src" rev-parse --short HEAD 2>/dev/null || echo unknown)$(git -C "$src" diff --quiet HEAD 2>/dev/null || echo ' (with uncommitted changes)')"
    echo "built on:            $(. /etc/os-release && echo "$PRETTY_NAME"), $(uname -m), $(date -u +%Y-%m-%dT%H:%M:%SZ)"
    echo "CUDA toolkit:        $("$(cache_value CUDAToolkit_NVCC_EXECUTABLE)" --version 2>/dev/null | tail -n 2 | head -n 1)"
    echo "CUDA code:           $(grep -o -- '--generate-code=arch=[^ ]*' "$build/build.ninja" | sort -u |
        sed 's/.*code=\[\(.*\)\]/\1/' | paste -sd ' ' -) (sm_XX: machine code; compute_XX: PTX the driver compiles)"
    echo "cuBLAS built against: $(json_value cublas_built)   (loaded here: $(json_value cublas_version))"
    echo "cuRAND built against: $(json_value curand_built)   (loaded here: $(json_value curand_version))"
    echo "needs on the target: glibc >= ${glibc_needed#GLIBC_}, an NVIDIA driver for CUDA $(json_value runtime_version | cut -d' ' -f1)" \
         "and these CUDA libraries (found by the loader or in /usr/local/cuda):"
    for program in "$stage"/bin/* "$plugin"; do ldd "$program"; done | awk '{print $1}' |
        grep -E '^lib(cublas|cublasLt|curand)\.so' | sort -u | sed 's/^/  /'
    echo "bundled libraries (lib/), from:"
    for soname in $(printf '%s\n' "${!copied[@]}" | sort); do
        # dpkg knows a file by the path it installed (/lib/... or /usr/lib/..., usrmerge).
        package=$(dpkg -S "${copied[$soname]}" "${copied[$soname]#/usr}" 2>/dev/null | head -n 1 | cut -d: -f1 || true)
        version=${package:+$(dpkg-query -W -f='${Version}' "$package" 2>/dev/null || true)}
        echo "  $soname  ${copied[$soname]}  ${package:-?} ${version:-}"
    done
} >"$stage/MANIFEST.txt"

mkdir -p "$(dirname "$archive")"
tar -C "$work" --owner=0 --group=0 --numeric-owner -cf - "$name" | gzip -6 >"$archive.tmp"
mv "$archive.tmp" "$archive"
bytes=$(stat -c %s "$archive")
unpacked=$(du -sb "$stage" | cut -f1)
awk -v a="$archive" -v b="$bytes" -v u="$unpacked" -v n="${#copied[@]}" \
    'BEGIN { printf "bundle.sh: %s: %.1f MiB (%.1f MiB unpacked, %d libraries)\n", a, b / 1048576, u / 1048576, n }'
if ((bytes > max_bytes)); then
    echo "bundle.sh: the archive is over 48 MiB: it would not fit a GPU machine's 64 MiB transfer" >&2
    exit 1
fi
