#!/usr/bin/env bash
# Compiler and linker launcher for bench/build_times.sh: runs the command it is given and appends
# "<seconds> <output file>" to $INFLANET_BUILD_TIME_LOG.
out=""
prev=""
for a in "$@"; do
  [ "$prev" = "-o" ] && out=$a
  prev=$a
done
s=$(date +%s.%N)
"$@"
rc=$?
e=$(date +%s.%N)
echo "$(echo "$e - $s" | bc) $out" >>"${INFLANET_BUILD_TIME_LOG:?}"
exit $rc
