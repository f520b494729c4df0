# shellcheck shell=bash
# Finds a JDK 21 or newer for Gantry's scripts. Sourced by bin/gantry, bin/test and bin/bench.
#
# gantry_find_jdk sets and exports JAVA_HOME and sets JAVA (the java binary) and
# GANTRY_JAVA_MAJOR (its feature version), trying in order:
#   1. $JAVA_HOME, when it holds a JDK 21+;
#   2. the newest JDK 21+ under /usr/lib/jvm/* (GANTRY_JVM_DIR overrides the directory);
#   3. the JDK of `java` on PATH, when it is 21+.
# Otherwise it prints what to install and returns 1.

GANTRY_MIN_JAVA=21

# Prints the feature version (8, 17, 21, 25, ...) of the java binary $1; fails when unknown.
gantry_java_major() {
  local java=$1 out
  [[ -x $java ]] || return 1
  # Match anywhere: JAVA_TOOL_OPTIONS makes java print a "Picked up ..." line first.
  out=$("$java" -version 2>&1) || return 1
  if [[ $out =~ version\ \"1\.([0-9]+) ]]; then
    echo "${BASH_REMATCH[1]}"          # 1.8.0_392 style
  elif [[ $out =~ version\ \"([0-9]+) ]]; then
    echo "${BASH_REMATCH[1]}"          # 17.0.15, 21.0.5, 25, 26-ea style
  else
    return 1
  fi
}

# True when $1 is a JDK home (java and javac) of version 21 or newer; prints the version.
gantry_is_jdk() {
  local home=$1 major
  [[ -x $home/bin/java && -x $home/bin/javac ]] || return 1
  major=$(gantry_java_major "$home/bin/java") || return 1
  echo "$major"
  (( major >= GANTRY_MIN_JAVA ))
}

gantry_find_jdk() {
  local home="" major="" home_major=0 candidate best="" best_major=0 seen=() on_path

  if [[ -n ${JAVA_HOME:-} ]]; then
    if major=$(gantry_is_jdk "$JAVA_HOME"); then
      home=$JAVA_HOME home_major=$major
    else
      seen+=("JAVA_HOME=$JAVA_HOME (${major:-not a JDK})")
    fi
  fi

  if [[ -z $home ]]; then
    for candidate in "${GANTRY_JVM_DIR:-/usr/lib/jvm}"/*; do
      [[ -d $candidate ]] || continue
      if major=$(gantry_is_jdk "$candidate"); then
        if (( major > best_major )); then
          best=$candidate best_major=$major
        fi
      elif [[ -n $major ]]; then
        seen+=("$candidate ($major)")
      fi
    done
    home=$best home_major=$best_major
  fi

  if [[ -z $home ]] && on_path=$(command -v java); then
    candidate=$(readlink -f -- "$on_path")
    candidate=${candidate%/bin/java}
    if major=$(gantry_is_jdk "$candidate"); then
      home=$candidate home_major=$major
    else
      seen+=("java on PATH: $on_path (${major:-not a JDK})")
    fi
  fi

  if [[ -z $home ]]; then
    {
      echo "gantry: needs a JDK $GANTRY_MIN_JAVA or newer (java and javac), and found none."
      if (( ${#seen[@]} )); then
        echo "  looked at and skipped: ${seen[*]}"
      fi
      echo "  Install one, for example Eclipse Temurin 21 or 25 (https://adoptium.net/installation/linux,"
      echo "  apt package temurin-21-jdk) or openjdk-21-jdk-headless where the distribution has it,"
      echo "  then run again or set JAVA_HOME to its directory."
    } >&2
    return 1
  fi

  export JAVA_HOME=$home
  # shellcheck disable=SC2034  # read by the scripts that source this file
  JAVA=$home/bin/java GANTRY_JAVA_MAJOR=$home_major
}
