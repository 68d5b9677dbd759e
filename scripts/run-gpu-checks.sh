#!/usr/bin/env bash
# Every GPU check of detaudit in one command, from an unpacked bundle (scripts/bundle.sh):
#
#   ./run-gpu-checks.sh OUTDIR
#
# Steps, each under `timeout`, timed, its whole output in OUTDIR/<step>.log (also when it fails):
#   1 device       nvidia-smi, `detaudit env` (compute capability, SM count, cuBLAS/cuRAND built
#                  against and loaded)                                    → device.log, env.json
#   2 gpu-tests    bin/detaudit_gpu_tests (tests/gpu; its exit 77 fails
#                  where `detaudit env` found a device)                   → gpu-tests.log
#   4 bench-cuda   bin/bench_cuda (2^26 elements, 7 rounds)               → bench-cuda.log
#   8 gpu          detaudit run scenarios/gpu.json                        → gpu.{log,json,junit.xml}
#  16 reductions   detaudit run scenarios/reductions.json                 → reductions.{log,json,junit.xml}
#  32 pytorch      detaudit run scenarios/pytorch-gpu.json, when `python3 -c 'import torch;
#                  assert torch.cuda.is_available()'` succeeds            → pytorch.{log,json,junit.xml}
# The sum of the timeouts is 8 minutes. OUTDIR/summary.txt and OUTDIR/steps.tsv list each step's
# status (pass, FAIL, skip), exit code and seconds.
#
# Exit code: the sum of the numbers above of the steps that failed (e.g. 24 = gpu and reductions),
# 0 when every step passed on a GPU, 77 when there is no usable GPU and nothing failed (the GPU
# steps are skipped with the driver's reason; the scenarios' CPU cells still run), 64 on bad usage.
# On a machine with a GPU the scenarios run with --require cuda, so a cuda backend that cannot
# start is a failure, not a skip.
set -u
usage() { echo "usage: $0 OUTDIR   (see the comment at the top of this script)" >&2; exit 64; }
[[ $# -eq 1 && -n $1 && $1 != -* ]] || usage
here=$(cd "$(dirname "$0")" && pwd)
bin=$here/bin
scenarios=$here/scenarios
[[ -x $bin/detaudit ]] || {
    echo "$0: no $bin/detaudit: run the copy inside an unpacked bundle (scripts/bundle.sh builds one)" >&2
    exit 64
}
mkdir -p "$1" || usage
out=$(cd "$1" && pwd)
export bin out
: >"$out/summary.txt"
printf 'step\tstatus\texit\tseconds\n' >"$out/steps.tsv"
failed=0
total_start=$(date +%s.%N)

say() { echo "$*" | tee -a "$out/summary.txt"; }
elapsed() { awk -v a="$1" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }'; }

# run_step BIT NAME TIMEOUT_S SKIP_CODE COMMAND...: runs COMMAND with its output in NAME.log; exit
# SKIP_CODE (77 where the program says "no device"; 0 never means skip) counts as skipped.
run_step() {
    local bit=$1 step=$2 limit=$3 skip_code=$4
    shift 4
    local start rc status seconds
    start=$(date +%s.%N)
    echo "== $step: $*" >"$out/$step.log"
    if declare -F "$1" >/dev/null; then # a function of this script: timeout needs a process
        timeout --kill-after=10 "$limit" bash -c "$(declare -f "$1"); $(printf '%q ' "$@")" >>"$out/$step.log" 2>&1
    else
        timeout --kill-after=10 "$limit" "$@" >>"$out/$step.log" 2>&1
    fi
    rc=$?
    seconds=$(elapsed "$start")
    if [[ $rc -eq 0 ]]; then status=pass
    elif [[ $rc -eq $skip_code ]]; then status=skip
    else
        status=FAIL
        failed=$((failed | bit))
        [[ $rc -eq 124 || $rc -eq 137 ]] && echo "== $step: killed after its timeout of $limit s" >>"$out/$step.log"
    fi
    printf '%s\t%s\t%s\t%s\n' "$step" "$status" "$rc" "$seconds" >>"$out/steps.tsv"
    say "$(printf '[%-10s] %-4s  exit %-3s %6s s   %s' "$step" "$status" "$rc" "$seconds" "$out/$step.log")"
    if [[ $status == FAIL ]]; then tail -n 15 "$out/$step.log" | sed 's/^/    | /'; fi
}

skip_step() { # skip_step NAME REASON
    printf '%s\tskip\t-\t0\n' "$1" >>"$out/steps.tsv"
    echo "== $1: skipped: $2" >"$out/$1.log"
    say "$(printf '[%-10s] skip  %s' "$1" "$2")"
}

# 0. Can the bundle's programs start here? glibc must be as new as the build machine's (MANIFEST.txt),
# and cuBLAS/cuRAND come from this machine: when the loader does not find them, look where CUDA
# installs and Python wheels (PyTorch's nvidia-* packages) put them and say so. LD_LIBRARY_PATH
# does not override the bundle's own libraries (their DT_RPATH comes first).
glibc_needed=$(sed -n 's/^needs on the target: glibc >= \([0-9.]*\).*/\1/p' "$here/MANIFEST.txt" 2>/dev/null)
glibc_here=$(getconf GNU_LIBC_VERSION 2>/dev/null | awk '{print $2}')
if [[ -n $glibc_needed && -n $glibc_here && $(printf '%s\n' "$glibc_needed" "$glibc_here" | sort -V | head -n 1) != "$glibc_needed" ]]; then
    say "glibc $glibc_here is older than the $glibc_needed this bundle was built with: its programs cannot start here" \
        "(build the bundle on an older distribution)"
fi
# The CUDA libraries are needed by the CUDA plugin (lib/detaudit/), which detaudit loads for cuda cells.
missing_cuda_libraries() { ldd "$here/lib/detaudit/libdetaudit_cuda.so" "$bin/bench_cuda" 2>/dev/null | awk '/=> not found/ {print $1}' | sort -u; }
for soname in $(missing_cuda_libraries); do
    roots=$(python3 -c 'import site; print("\n".join(p + "/nvidia" for p in site.getsitepackages()))' 2>/dev/null)
    found=$(find $roots /usr/local/cuda /usr/local/cuda-* /opt/cuda* -maxdepth 4 -name "$soname" 2>/dev/null | head -n 1)
    if [[ -n $found ]]; then
        export LD_LIBRARY_PATH=$(dirname "$found")${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}
        say "library: $soname is not on the loader's path; using $found (LD_LIBRARY_PATH)"
    else
        say "library: $soname not found on this machine (needed from the CUDA toolkit, see MANIFEST.txt)"
    fi
done

# 1. The device, in nvidia-smi's words and in detaudit's (the cuda backend's probe).
device_step() {
    if command -v nvidia-smi >/dev/null; then
        nvidia-smi || true
        nvidia-smi --query-gpu=name,driver_version,compute_cap,memory.total,mig.mode.current \
            --format=csv || true
    else
        echo "nvidia-smi: not installed (no NVIDIA driver on this machine)"
    fi
    "$bin/detaudit" env --json >"$out/env.json" || return 1
    "$bin/detaudit" env
}
run_step 1 device 20 -1 device_step
# The cuda backend's entry of `detaudit env` (its lines under "  cuda:", up to the next backend).
cuda_field() { sed -n "/^  cuda:/,/^  [a-z]/s/^    $1: //p" "$out/device.log" | head -n 1; }
if [[ $(cuda_field available) == true ]]; then
    have_gpu=1
    say "device: $(cuda_field device)"
else
    have_gpu=0
    reason=$(cuda_field reason)
    say "no device: ${reason:-the cuda backend is not available (see device.log)}"
fi
detail() { sed -n "s/^      $1: //p" "$out/device.log" | head -n 1; }
say "cuBLAS: built against $(detail cublas_built), loaded $(detail cublas_version) from $(detail cublas_library)"
say "cuRAND: built against $(detail curand_built), loaded $(detail curand_version) from $(detail curand_library)"

# 2. tests/gpu: exits 77 without a usable device, a failure where detaudit found one.
run_step 2 gpu-tests 90 "$( ((have_gpu)) && echo -1 || echo 77)" "$bin/detaudit_gpu_tests"

# 3. The benchmarks: 2^26 floats (256 MiB per buffer), cublas at 4096^3. Without a device
# bench_cuda says so and exits 0: that is a skip here.
if ((have_gpu)); then
    run_step 4 bench-cuda 80 -1 "$bin/bench_cuda" --log2n 26 --repeats 7
else
    skip_step bench-cuda "no device (${reason:-see device.log})"
fi

# 4, 5. The GPU scenarios with their reports. Without a device their cuda cells are skipped and
# the cpu cells still run (and must pass).
scenario_step() { # scenario_step BIT NAME TIMEOUT FILE
    local require=()
    ((have_gpu)) && require=(--require cuda)
    run_step "$1" "$2" "$3" -1 "$bin/detaudit" run "$scenarios/$4" "${require[@]}" --color never \
        --json "$out/$2.json" --junit "$out/$2.junit.xml"
}
scenario_step 8 gpu 50 gpu.json
scenario_step 16 reductions 60 reductions.json

# 6. PyTorch on CUDA, when this machine's python3 has it. --dump-dir keeps each program run's
# stderr (PyTorch's version and settings, the reason of a refused combination).
if torch_reason=$(python3 -c 'import torch; assert torch.cuda.is_available(), "torch.cuda.is_available() is False (torch " + torch.__version__ + ")"' 2>&1); then
    run_step 32 pytorch 180 -1 "$bin/detaudit" run "$scenarios/pytorch-gpu.json" --color never \
        --json "$out/pytorch.json" --junit "$out/pytorch.junit.xml" --dump-dir "$out/pytorch-dumps"
else
    skip_step pytorch "no PyTorch with CUDA: $(echo "$torch_reason" | tail -n 1)"
fi

say "total: $(elapsed "$total_start") s; reports in $out"
if ((failed)); then
    say "FAILED steps (exit $failed): $(awk -F'\t' '$2 == "FAIL" { printf "%s ", $1 }' "$out/steps.tsv")"
    exit "$failed"
fi
if ((!have_gpu)); then
    say "no usable GPU: the GPU checks were skipped (exit 77); the CPU cells passed"
    exit 77
fi
say "all GPU checks passed"
exit 0
