#!/usr/bin/env bash
# Deploys swarm-stack.yml with `docker stack deploy` on the test daemon (scripts/docker-testbed.sh) next
# to a small application stack, and checks that the agent, running as a global Swarm service, captures
# the application's calls and that the server shows them with their stack. Needs root and docker.io.
#
# What differs from a production Swarm, and why (each override is applied to a copy of the stack file):
#   - the image is built from the test base image (no registry here): the same jars and entry point
#     as the Dockerfile, the host's /usr bind-mounted for a Java runtime and libpcap;
#   - this kernel has no IPVS: services use endpoint_mode dnsrr and the server's port mode host;
#   - the test daemon's exec root is /tmp/intuition-dockerd/exec, so network namespaces are there;
#     this machine's / is a private mount, so the netns bind cannot be rslave: the application is
#     started before the agent;
#   - no Elasticsearch image: the server keeps history in memory.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
. scripts/lib/java.sh
PY=/usr/bin/python3 # Debian's, with PyYAML
port=18099
work=$(mktemp -d)
cleanup() {
  docker stack rm intuition-smoke smoke-app >/dev/null 2>&1 || true
  rm -rf "$work"
  scripts/docker-testbed.sh down >/dev/null 2>&1 || true # stops dockerd if the testbed started it
}
trap cleanup EXIT
scripts/docker-testbed.sh up
[ "$(docker info --format '{{.Swarm.LocalNodeState}}')" = active ] || docker swarm init --advertise-addr 127.0.0.1 >/dev/null
[ -f agent/target/intuition-agent.jar ] && [ -f topology-server/target/intuition-server-exec.jar ] \
  || ./mvnw -q -B -DskipTests -pl agent,topology-server -am package
sed -e 's|^ARG BASE_IMAGE=.*|ARG BASE_IMAGE=intuition-test-base|' -e '/^RUN apt-get/,/lists\/\*$/d' \
  -e 's|^ENTRYPOINT \["/opt/intuition/entrypoint.sh"\]|ENTRYPOINT ["/bin/sh", "/opt/intuition/entrypoint.sh"]|' \
  Dockerfile >"$work/Dockerfile"
grep -q 'agent/target/lib' "$work/Dockerfile"
docker build -q -t intuition-smoke -f "$work/Dockerfile" . >/dev/null
case "$JAVA_HOME" in /usr/*) ;; *) echo "swarm-smoke: JAVA_HOME ($JAVA_HOME) must be under /usr to be mounted in" >&2; exit 1 ;; esac
"$PY" - "$work" "$port" "$JAVA_HOME" <<'PYTHON'
import sys, yaml
work, port, java_home = sys.argv[1], int(sys.argv[2]), sys.argv[3]
usr = {'type': 'bind', 'source': '/usr', 'target': '/usr', 'read_only': True}
s = yaml.safe_load(open('swarm-stack.yml'))
for name in ('agent', 'server'):
    svc = s['services'][name]
    svc['image'] = 'intuition-smoke'
    svc['environment']['JAVA_HOME'] = java_home  # under the host's /usr, mounted in
    svc['environment']['INTUITION_TOKEN'] = 'smoke-token'
    svc['volumes'] = svc.get('volumes', []) + [usr]
    svc['deploy']['endpoint_mode'] = 'dnsrr'
for v in s['services']['agent']['volumes']:
    if v['source'] == '/var/run/docker/netns':
        v['source'] = v['target'] = '/tmp/intuition-dockerd/exec/netns'
        v.pop('bind', None)
s['services']['server']['environment']['INTUITION_STORAGE_TYPE'] = 'memory'
s['services']['server']['ports'] = [{'target': 8080, 'published': port, 'mode': 'host'}]
del s['services']['elasticsearch']
s['volumes'] = {}
yaml.safe_dump(s, open(f'{work}/stack.yml', 'w'), sort_keys=False)
app = {'version': '3.8', 'services': {
    'cache': {'image': 'intuition-test-base', 'volumes': [usr], 'deploy': {'endpoint_mode': 'dnsrr'},
              'command': ['/usr/bin/redis-server', '--protected-mode', 'no', '--save', '', '--appendonly', 'no']},
    'client': {'image': 'intuition-test-base', 'volumes': [usr], 'deploy': {'endpoint_mode': 'dnsrr'},
               'command': ['/bin/sh', '-c', 'while true; do /usr/bin/redis-cli -h cache INCR hits >/dev/null; sleep 0.2; done']}}}
yaml.safe_dump(app, open(f'{work}/app.yml', 'w'), sort_keys=False)
PYTHON
docker stack deploy -c "$work/app.yml" smoke-app >/dev/null 2>&1
for _ in $(seq 1 60); do
  [ "$(docker service ls --filter name=smoke-app --format '{{.Replicas}}' | grep -c '^1/1')" = 2 ] && break
  sleep 1
done
docker stack deploy -c "$work/stack.yml" intuition-smoke >/dev/null 2>&1
echo "swarm-smoke: stacks deployed; waiting for the graph" >&2
ok=""
for _ in $(seq 1 90); do
  graph=$(curl -s "http://127.0.0.1:$port/api/v1/graph?window=60s" || true)
  if "$PY" -c "
import json, sys
g = json.loads(sys.argv[1])
edges = [e for e in g['edges'] if e['client'] == 'smoke-app_client' and e['server'] == 'smoke-app_cache' and e['protocol'] == 'redis' and e['calls']['ok'] > 5]
groups = {n['name']: n['group'] for n in g['nodes']}
sys.exit(0 if edges and groups.get('smoke-app_cache') == 'smoke-app' else 1)
" "$graph" 2>/dev/null; then ok=1; break; fi
  sleep 2
done
if [ -z "$ok" ]; then
  docker service ls >&2
  docker service ps --no-trunc intuition-smoke_agent intuition-smoke_server >&2 || true
  docker service logs --tail 30 intuition-smoke_agent >&2 || true
  echo "swarm-smoke: the stack's agent did not show smoke-app_client -> smoke-app_cache" >&2
  exit 1
fi
echo "swarm-smoke: ok (docker stack deploy of swarm-stack.yml: the global agent captured smoke-app_client -> smoke-app_cache in stack smoke-app)" >&2
