# shellcheck shell=bash
# Build-on-use for Gantry's scripts. Sourced after GANTRY_ROOT is set and gantry_find_jdk ran.

# Maven 3.9's Guice calls sun.misc.Unsafe, which JDK 24+ warns about on every run; the warning
# is not ours to fix, so silence it (the option is unknown before JDK 23, hence the check).
gantry_maven_opts() {
  if (( ${GANTRY_JAVA_MAJOR:-0} >= 24 )) && [[ ${MAVEN_OPTS:-} != *sun-misc-unsafe* ]]; then
    export MAVEN_OPTS="${MAVEN_OPTS:+$MAVEN_OPTS }--sun-misc-unsafe-memory-access=allow"
  fi
}

# True when stamp file $1 is missing or any pom.xml or file under */src/main is newer than it.
gantry_stale() {
  local stamp=$1
  [[ -e $stamp ]] || return 0
  [[ -n $(find "$GANTRY_ROOT" \( -name target -o -name .git -o -name .data \) -prune -o \
      -type f \( -path '*/src/main/*' -o -name pom.xml \) -newer "$stamp" -print -quit) ]]
}

# gantry_build STAMP MESSAGE MAVEN_ARGS...: when STAMP is stale, prints MESSAGE to stderr and runs
# ./mvnw MAVEN_ARGS... at the repository root, then touches STAMP. Concurrent callers (several
# `gantry` processes started at once) wait on one lock, and only the first one builds.
# Maven's output goes to stderr so that a command's stdout stays its own.
gantry_build() {
  local stamp=$1 message=$2 lock
  shift 2
  gantry_stale "$stamp" || return 0
  mkdir -p "$GANTRY_ROOT/target"
  exec {lock}>"$GANTRY_ROOT/target/build.lock"
  if command -v flock >/dev/null; then
    flock "$lock"
  fi
  if gantry_stale "$stamp"; then
    echo "$message" >&2
    gantry_maven_opts
    if ! (cd "$GANTRY_ROOT" && ./mvnw "$@") >&2; then
      exec {lock}>&-
      echo "gantry: build failed (./mvnw $*)" >&2
      return 1
    fi
    if [[ ! -e $stamp ]]; then
      exec {lock}>&-
      echo "gantry: the build did not produce $stamp" >&2
      return 1
    fi
    touch "$stamp"
  fi
  exec {lock}>&-
}
