#!/usr/bin/env bash
# Builds the Debian package from a release build and checks it on this machine (scripts/test.sh, CI):
#
#   scripts/check-package.sh [BUILD_DIR]      (default: build/release, built already)
#
# cpack -G DEB; the Depends line must name no CUDA package; dpkg -i; then the installed detaudit:
# --version, the man page (man -w), the bash completion, `env` finding the installed trace helper,
# and a run of an installed example scenario; dpkg -r. The machine is left as it was, also when a
# step fails (trap); a detaudit installed before is never touched: the script refuses to start.
set -euo pipefail
src=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$src/build/release}
[[ -f $build/CPackConfig.cmake ]] || { echo "check-package.sh: $build: not a configured build (cmake --preset release)" >&2; exit 2; }
build=$(cd "$build" && pwd)
sudo_cmd=()
[ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
fail() { echo "check-package.sh: $*" >&2; exit 1; }

if dpkg-query -W -f='${Status}' detaudit 2>/dev/null | grep -q " installed$"; then
    fail "a detaudit package is installed already; this check installs and removes its own (dpkg -r detaudit first)"
fi
[[ ! -e /usr/bin/detaudit ]] || fail "/usr/bin/detaudit exists (not from a package); dpkg -i would overwrite it"

work=$(mktemp -d)
installed=0
cleanup() {
    local status=$?
    if ((installed)); then
        echo "=== package: dpkg -r detaudit"
        "${sudo_cmd[@]}" dpkg -r detaudit >/dev/null || status=1
    fi
    rm -rf "$work"
    exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

echo "=== package: cpack -G DEB in $build"
rm -f "$build"/detaudit_*.deb
(cd "$build" && cpack -G DEB >"$work/cpack.log" 2>&1) || { cat "$work/cpack.log" >&2; fail "cpack -G DEB failed"; }
debs=("$build"/detaudit_*.deb)
[[ ${#debs[@]} -eq 1 && -f ${debs[0]} ]] || fail "cpack made no single detaudit_*.deb in $build"
deb=${debs[0]}
depends=$(dpkg-deb --field "$deb" Depends)
echo "$(basename "$deb"): $(stat -c %s "$deb") bytes; Depends: $depends"
# The CUDA libraries come with the toolkit or the driver, never as a dependency of this package.
if grep -Eiq 'cuda|cublas|curand|nvidia' <<<"$depends"; then
    fail "the Depends line names a CUDA package: $depends"
fi
# OpenBLAS and libzip are dlopen'ed, so shlibdeps cannot find them: the explicit dependencies.
for package in libopenblas0 libzip4; do
    grep -Eq "(^|, )$package(\$|[ ,])" <<<"$depends" || fail "the Depends line lacks $package: $depends"
done
contents=$(dpkg-deb --contents "$deb" | awk '{print $6}')
for path in ./usr/bin/detaudit ./usr/share/man/man1/detaudit.1 ./usr/share/bash-completion/completions/detaudit \
            ./usr/share/detaudit/scenarios/quickstart.json ./usr/share/detaudit/python/detaudit_trace.py \
            ./usr/share/doc/detaudit/README.md; do
    grep -qxF "$path" <<<"$contents" || fail "$(basename "$deb") lacks $path"
done

echo "=== package: dpkg -i"
installed=1  # a failed dpkg -i can leave the package unpacked: remove it all the same
"${sudo_cmd[@]}" dpkg -i "$deb" >/dev/null
[[ $(command -v detaudit) == /usr/bin/detaudit ]] || fail "detaudit on PATH is $(command -v detaudit), not /usr/bin/detaudit"
version=$(/usr/bin/detaudit --version)
echo "$version"
[[ $version == "detaudit $(dpkg-deb --field "$deb" Version)"* ]] || fail "--version says '$version'"

# Minimal images can tell dpkg to skip man pages (path-exclude); then the page is in the .deb only.
if grep -hqs '^path-exclude=/usr/share/man' /etc/dpkg/dpkg.cfg.d/*; then
    echo "man page: in the package; this machine's dpkg excludes /usr/share/man"
elif command -v man >/dev/null; then
    [[ $(man -w detaudit) == /usr/share/man/man1/detaudit.1* ]] || fail "man -w detaudit: $(man -w detaudit 2>&1)"
    echo "man page: $(man -w detaudit)"
else
    [[ -f /usr/share/man/man1/detaudit.1 ]] || fail "/usr/share/man/man1/detaudit.1 is missing"
    echo "man page: /usr/share/man/man1/detaudit.1 (no man here)"
fi

completions=$(bash --norc --noprofile -c 'source /usr/share/bash-completion/completions/detaudit
    COMP_WORDS=(detaudit ""); COMP_CWORD=1; _detaudit; echo "${COMPREPLY[*]}"')
[[ " $completions " == *" run "* ]] || fail "the installed completion offers '$completions' for 'detaudit <TAB>'"
echo "completion: detaudit <TAB> -> $completions"

helper=$(cd "$work" && /usr/bin/detaudit env --json | sed -n 's/.*"trace_helper": "\(.*\)".*/\1/p')
[[ $helper == /usr/share/detaudit/python/detaudit_trace.py ]] || fail "env: trace_helper is '$helper'"

echo "=== package: detaudit run /usr/share/detaudit/scenarios/quickstart.json --runs 2"
(cd "$work" && /usr/bin/detaudit run /usr/share/detaudit/scenarios/quickstart.json --runs 2 -q --json report.json)
grep -q '"schema_version"' "$work/report.json" || fail "the run wrote no JSON report"

"${sudo_cmd[@]}" dpkg -r detaudit >/dev/null
installed=0
[[ ! -e /usr/bin/detaudit ]] || fail "/usr/bin/detaudit is still there after dpkg -r"
echo "package: $(basename "$deb") installed, ran and removed"
