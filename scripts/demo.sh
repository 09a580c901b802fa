#!/usr/bin/env bash
# Tessera's main job: the cluster demo. Two Flask and two Express instances
# behind nginx share auth state through Tessera, and a scripted user journey
# goes through the balancer (log in on one language, read on the other,
# refresh, revoke, log out), printing which instance served each step.
#
#   bash scripts/demo.sh                   # cookie mode: sealed cookies, no store
#   bash scripts/demo.sh --mode redis      # server-side sessions in Redis
#   bash scripts/demo.sh --mode jwt        # access JWTs + refresh rotation + denylist
#   bash scripts/demo.sh --mode redis --redis-cluster --load 500
#
# The first run builds the bindings and installs Flask, Express, nginx and
# redis-server as needed (scripts/cluster-setup.sh). Every option is
# tessera-cluster's (examples/cluster/tessera-cluster --help).
set -euo pipefail
cd "$(dirname "$0")/.."
python="$(bash scripts/cluster-setup.sh)"
exec "$python" examples/cluster/tessera-cluster --python "$python" "$@"
