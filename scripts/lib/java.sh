# Sourced by ./intuition and ./mvnw: exports JAVA_HOME pointing at a JDK >= 21, and sets JAVA_MAJOR
# to its version.
# Order: $JAVA_HOME if new enough, then the JDK with the highest version under /usr/lib/jvm, then `java`
# on the PATH. Every ./intuition command runs this, so it uses bash builtins only where it can: a
# process costs 5 to 15 ms to start on the machines we measured (README, "Decoding captures").

# Sets JAVA_MAJOR to the feature version of the JDK in $1 (21, 25), or to "" when it cannot be read.
# The JDK's `release` file names it (JAVA_VERSION="25.0.3"); reading it costs nothing, where asking
# the JVM costs a start (about 0.1 s). A JDK without it is asked.
read_java_major() {
  local line v=""
  if [ -f "$1/release" ]; then
    while IFS= read -r line || [ -n "$line" ]; do
      case $line in
        JAVA_VERSION=*)
          v=${line#JAVA_VERSION=}; v=${v//\"/}; v=${v#1.}; v=${v%%[!0-9]*}
          break ;;
      esac
    done < "$1/release"
  fi
  if [ -z "$v" ] && [ -x "$1/bin/java" ]; then
    v=$("$1/bin/java" -XshowSettings:properties -version 2>&1 \
      | sed -n 's/^ *java\.specification\.version = \([0-9]*\).*/\1/p' | head -n 1)
  fi
  JAVA_MAJOR=$v
}

# Sets JAVA_HOME to a JDK >= 21 and JAVA_MAJOR to its version; returns 1 when there is none.
find_jdk() {
  local candidate best="" best_major=0
  if [ -n "${JAVA_HOME:-}" ] && [ -x "$JAVA_HOME/bin/javac" ]; then
    read_java_major "$JAVA_HOME"
    if [ "${JAVA_MAJOR:-0}" -ge 21 ] 2>/dev/null; then return 0; fi
  fi
  for candidate in /usr/lib/jvm/*/; do
    candidate=${candidate%/}
    [ -x "$candidate/bin/javac" ] || continue
    read_java_major "$candidate"
    # The highest version wins; among equals, the last name in order (as `sort -rV` would pick).
    if [ "${JAVA_MAJOR:-0}" -ge 21 ] 2>/dev/null && [ "$JAVA_MAJOR" -ge "$best_major" ]; then
      best=$candidate best_major=$JAVA_MAJOR
    fi
  done
  if [ -n "$best" ]; then JAVA_HOME=$best JAVA_MAJOR=$best_major; return 0; fi
  if command -v javac >/dev/null 2>&1; then
    candidate=$(dirname "$(dirname "$(readlink -f "$(command -v javac)")")")
    read_java_major "$candidate"
    if [ "${JAVA_MAJOR:-0}" -ge 21 ] 2>/dev/null; then JAVA_HOME=$candidate; return 0; fi
  fi
  return 1
}

if ! find_jdk; then
  echo "intuition: needs a JDK 21 or newer (none in JAVA_HOME, /usr/lib/jvm or on the PATH);" \
       "install one, e.g. 'apt-get install openjdk-21-jdk-headless' or Temurin 21+." >&2
  exit 1
fi
export JAVA_HOME
