#!/usr/bin/env bash
# Installs the Debian packages the test suite drives: real servers (Redis, PostgreSQL, MariaDB, nginx),
# their command-line clients, tcpdump, tshark, libpcap, iproute2, Docker, and Chromium (with Node.js
# where the machine has none) for the browser tests. Needs root; idempotent.
set -euo pipefail
packages=(libpcap0.8 python3-yaml tcpdump tshark redis-server redis-tools postgresql postgresql-client
  mariadb-server mariadb-client nginx curl iproute2 procps psmisc maven bc docker.io chromium)
command -v node >/dev/null 2>&1 || packages+=(nodejs npm)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
if [ "$(id -u)" != 0 ]; then
  echo "install-test-deps: missing ${missing[*]}; run as root to install them" >&2
  exit 1
fi
echo "install-test-deps: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
# Keep package scripts from starting the servers: the tests start their own, in namespaces.
printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d
chmod +x /usr/sbin/policy-rc.d
apt-get update -q
apt-get install -y -q --no-install-recommends "${missing[@]}"
