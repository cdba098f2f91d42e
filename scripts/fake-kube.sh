#!/usr/bin/env bash
# Starts the FAKE Kubernetes API server (tests/helpers/fake-kube/) and prints a kubeconfig for it; it
# runs until interrupted. For trying the kubernetes provider (or kubectl get/describe/exec) without a
# cluster: its pods are bubblewrap sandboxes on this host. Example:
#   scripts/fake-kube.sh --dir /tmp/fake-kube --kubeconfig /tmp/fake-kube.yaml --namespace godel
set -euo pipefail
cd "$(dirname "$0")/.."
[ -f dist/tests/helpers/fake-kube/main.js ] || npm run --silent build
exec node dist/tests/helpers/fake-kube/main.js "$@"
