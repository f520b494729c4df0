#!/usr/bin/env bash
# Build step (maven-antrun, package phase): trains the start-up cache of gantry-cni with the JDK that
# runs the build. JDK 25+: an AOT cache (JEP 483/514, -XX:AOTCacheOutput); JDK 21-24: a dynamic CDS
# archive (-XX:ArchiveClassesAtExit). The training workload is what the plugin does on every call:
# VERSION, then IPAM ADD, CHECK, DEL, GC and an error path, in a scratch data directory.
set -euo pipefail
bin=$1
# The JDK that runs the build (Maven's java.home): the launcher's fast path runs exactly this one.
java=${2:-${JAVA_HOME:-}}/bin/java
[[ -x $java ]] || java=$(command -v java)
major=$("$java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p')
rm -f "$bin"/gantry-cni.aot "$bin"/gantry-cni.jsa
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
if (( major >= 25 )); then
  cache=(-XX:AOTCacheOutput="$bin/gantry-cni.aot")
else
  cache=(-XX:ArchiveClassesAtExit="$bin/gantry-cni.jsa")
fi
# One JVM runs the whole workload (io.gantry.cni.Training), so the cache holds every class used.
# Without LANG/LC_*, as runtimes call plugins: the JVM then loads the charset classes of the C locale,
# which the cache would otherwise miss.
env -u LANG -u LC_ALL -u LC_CTYPE "$java" "${cache[@]}" -XX:TieredStopAtLevel=1 -XX:+UseSerialGC \
  -Djdk.reflect.useNativeAccessorOnly=true -cp "$bin/gantry-cni.jar" \
  io.gantry.cni.Training "$scratch" >"$scratch/training.log" 2>&1 || { cat "$scratch/training.log" >&2; exit 1; }
echo "$java" > "$bin/gantry-cni.jdk"
ls -la "$bin" >&2
