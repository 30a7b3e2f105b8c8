#!/usr/bin/env bash
# Times a clean build, object by object and link by link, and prints the table of docs/build_times.md:
# the wall time of the build, compile and link seconds summed by part (library, tests, benchmarks), and the
# slowest translation units.
# Usage: bash bench/build_times.sh [release|sanitizer] [build-dir] [extra cmake arguments...]
#   release:   the flags of .ci/setup (Release, -Werror), as the quickstart and the first CI stage build;
#   sanitizer: the flags of .ci/run's sanitizer pass.
set -euo pipefail
cd "$(dirname "$0")/.."
kind=${1:-release}
dir=${2:-build-times-$kind}
shift $(($# > 2 ? 2 : $#))
case "$kind" in
  release) flags=(-DCMAKE_BUILD_TYPE=Release -DINFLANET_WERROR=ON) ;;
  sanitizer)
    flags=(-DCMAKE_BUILD_TYPE=Debug "-DCMAKE_CXX_FLAGS_DEBUG=-Og -g1" -DINFLANET_SANITIZE=address,undefined
      -DINFLANET_WERROR=ON -DINFLANET_ENABLE_BENCH=OFF)
    ;;
  *)
    echo "usage: bash bench/build_times.sh [release|sanitizer] [build-dir] [cmake args...]" >&2
    exit 2
    ;;
esac
command -v bc >/dev/null || { echo "build_times.sh needs bc (apt-get install bc)" >&2; exit 2; }
launcher=$PWD/bench/time_command.sh
rm -rf "$dir"
export INFLANET_BUILD_TIME_LOG=$PWD/$dir.log
rm -f "$INFLANET_BUILD_TIME_LOG"
cmake -S . -B "$dir" "${flags[@]}" "-DCMAKE_CXX_COMPILER_LAUNCHER=$launcher" \
  "-DCMAKE_CXX_LINKER_LAUNCHER=$launcher" "$@" >/dev/null
start=$(date +%s.%N)
cmake --build "$dir" -j"$(nproc)" >/dev/null
wall=$(echo "$(date +%s.%N) - $start" | bc)
echo "build ($kind, $(nproc) jobs): $(printf %.0f "$wall") s wall"
awk '
  $2 ~ /\.gch$/ { c["pch"] += $1; n["pch"]++; next }
  $2 ~ /\.o$/ { part = ($2 ~ /inflanet_[a-z]+\.dir/) ? "library" : ($2 ~ /bench_[a-z_]*\.dir/) ? "benchmarks" : ($2 ~ /inflanet\.dir/) ? "main" : "tests";
                c[part] += $1; n[part]++; next }
  { link += $1; nl++ }
  END { for (p in c) printf "compile %-10s %4d units %7.1f s\n", p, n[p], c[p];
        printf "link               %4d       %7.1f s\n", nl, link }' "$INFLANET_BUILD_TIME_LOG"
echo "slowest units (s):"
grep '\.o$' "$INFLANET_BUILD_TIME_LOG" | sort -rn | head -15 | sed -E 's|CMakeFiles/[^/]*\.dir/||; s|^([0-9]*\.[0-9])[0-9]*|  \1|'
