#!/bin/sh
# The image's entry point: `agent [options]` or `server [options]` (see README).
set -eu
command=${1:-server}
java=${JAVA_HOME:+$JAVA_HOME/bin/}java # the image's Java, or JAVA_HOME's
[ $# -gt 0 ] && shift
case "$command" in
  agent)
    exec "$java" ${INTUITION_AGENT_JAVA_OPTS:--XX:+UseSerialGC -Xmx128m} \
      --enable-native-access=ALL-UNNAMED -jar /opt/intuition/intuition-agent.jar agent "$@" ;;
  server)
    exec "$java" ${INTUITION_SERVER_JAVA_OPTS:--Xmx1g} -jar /opt/intuition/intuition-server.jar "$@" ;;
  *)
    echo "usage: agent [options] | server [options]" >&2
    exit 2 ;;
esac
