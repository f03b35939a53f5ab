#!/usr/bin/env bash
# A Docker daemon and a base image for the agent's Docker tests (no registry is reachable here).
#   up:   uses the running dockerd, or starts one (data and exec roots under /tmp/intuition-dockerd),
#         then builds the image "intuition-test-base" from a tiny local rootfs: the host's /usr is
#         bind-mounted read-only at run time (docker run -v /usr:/usr:ro), so real redis-server,
#         postgres, python3, curl, psql and redis-cli run inside containers.
#   down: removes the test containers and network, and stops dockerd if this script started it.
#   stop-daemon: stops the dockerd this script started (to test reconnection); "up" starts it again.
set -euo pipefail
DIR=/tmp/intuition-dockerd
IMAGE=intuition-test-base

up() {
  mkdir -p "$DIR"
  if ! docker info >/dev/null 2>&1; then
    command -v dockerd >/dev/null || { echo "docker-testbed: dockerd is not installed (apt-get install docker.io)" >&2; exit 1; }
    ( exec dockerd --host unix:///var/run/docker.sock --data-root "$DIR/data" --exec-root "$DIR/exec" \
        --pidfile "$DIR/dockerd.pid" >"$DIR/dockerd.log" 2>&1 ) &
    echo $! > "$DIR/started.pid"
    for _ in $(seq 1 100); do docker info >/dev/null 2>&1 && break; sleep 0.2; done
    docker info >/dev/null 2>&1 || { tail -20 "$DIR/dockerd.log" >&2; echo "docker-testbed: dockerd did not start" >&2; exit 1; }
  fi
  if ! docker image inspect "$IMAGE" >/dev/null 2>&1; then
    rootfs=$(mktemp -d)
    mkdir -p "$rootfs"/{etc,tmp,var/run,proc,sys,dev,usr,root,run}
    chmod 1777 "$rootfs/tmp"
    ln -s usr/bin "$rootfs/bin"; ln -s usr/sbin "$rootfs/sbin"
    ln -s usr/lib "$rootfs/lib"; ln -s usr/lib64 "$rootfs/lib64"
    cp /etc/passwd /etc/group "$rootfs/etc/"
    echo "hosts: files dns" > "$rootfs/etc/nsswitch.conf"
    tar -C "$rootfs" -c . | docker import - "$IMAGE" >/dev/null
    rm -rf "$rootfs"
  fi
  echo "docker-testbed: up ($(docker version --format '{{.Server.Version}}'), image $IMAGE)" >&2
}

down() {
  if docker info >/dev/null 2>&1; then
    ids=$(docker ps -aq --filter label=intuition.test=1)
    [ -z "$ids" ] || docker rm -f $ids >/dev/null
    for n in $(docker network ls -q --filter label=intuition.test=1); do docker network rm "$n" >/dev/null || true; done
  fi
  if [ -s "$DIR/started.pid" ]; then
    pid=$(cat "$DIR/started.pid")
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    rm -f "$DIR/started.pid"
  fi
  echo "docker-testbed: down" >&2
}

stop_daemon() { # only a dockerd this script started; status 3 when there is none
  [ -s "$DIR/started.pid" ] || { echo "docker-testbed: dockerd was not started by this script" >&2; exit 3; }
  pid=$(cat "$DIR/started.pid")
  kill "$pid" 2>/dev/null || true
  for _ in $(seq 1 150); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  rm -f "$DIR/started.pid"
}

case "${1:-}" in
  up) up ;;
  down) down ;;
  stop-daemon) stop_daemon ;;
  *) echo "usage: docker-testbed.sh up|down|stop-daemon" >&2; exit 2 ;;
esac
