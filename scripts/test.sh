#!/usr/bin/env bash
# The whole test suite: installs what it needs (npm packages; Debian's etcd-server, kubectl and
# python3-kubernetes, dig and dnsmasq, and the node's runtime/networking/image packages of scripts/node-packages, when root),
# builds, lints, then runs every test on node:test. Extra arguments filter test files by substring.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
# shellcheck disable=SC2046 # one word per flag and value
"$root/scripts/ensure.sh" --debian etcd-server:etcd --debian kubernetes-client:kubectl --debian python3-kubernetes:py:kubernetes --debian bind9-dnsutils:dig --debian dnsmasq-base:dnsmasq \
  $(cat "$root/scripts/node-packages")
echo "== lint"
npx eslint --max-warnings 0 src bench scripts test
echo "== test"
exec node scripts/run-tests.mjs "$@"
