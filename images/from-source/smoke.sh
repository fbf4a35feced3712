#!/bin/bash
# Smoke test of the built node image on podman: a 1 control plane + 1 worker kind cluster with kind's CNI off, a
# kindnet-style CNI written by hand (ptp + host-local on each node's podCIDR, a route per peer node, as kindnet does),
# and a cross-node pod ping. It checks the node image, not a CNI. Prints timings; deletes the cluster on exit.
# Needs: kind and kubectl on PATH (built by images/from-source), root, podman-host.sh applied, and `npm run images` run
# (node image, and the probe image with ping whose docker-archive is PROBE_ARCHIVE). ALLOW_BRIDGE_FORWARD=1 adds (and removes on exit) a host FORWARD rule accepting
# frames that stay on the kind bridge: netavark 1.4 accepts only the kind subnet, and with br_netfilter pod-sourced frames
# between nodes pass the host's FORWARD chain.
set -euo pipefail
cache=${CACHE:-$HOME/.cache/cni-conformance/from-source}
PROBE_IMAGE=${PROBE_IMAGE:-docker.io/nicolaka/netshoot:v0.16}
PROBE_ARCHIVE=${PROBE_ARCHIVE:-$cache/test-archives/${PROBE_IMAGE//[\/:]/_}.tar}
[ -f "$PROBE_ARCHIVE" ] || { echo "smoke: $PROBE_ARCHIVE missing: run npm run images first" >&2; exit 1; }
export KIND_EXPERIMENTAL_PROVIDER=podman
name=${CLUSTER:-cni-conformance-smoke}
kc=(kubectl --context "kind-$name")
config=$(mktemp)
rule=()
cleanup() {
  [ ${#rule[@]} -gt 0 ] && iptables -D FORWARD "${rule[@]}" 2>/dev/null || true
  kind delete cluster --name "$name" > /dev/null 2>&1 || true
  rm -f "$config"
}
trap cleanup EXIT
# failCgroupV1: kubelet 1.35+ refuses cgroup v1 without it (k8s.io/kubelet config/v1beta1/types.go@v0.36.1:951-957).
cat > "$config" <<'EOF'
kind: Cluster
apiVersion: kind.x-k8s.io/v1alpha4
networking:
  disableDefaultCNI: true
nodes:
- role: control-plane
- role: worker
kubeadmConfigPatches:
- |
  kind: KubeletConfiguration
  failCgroupV1: false
EOF
t0=$(date +%s.%N)
kind create cluster --name "$name" --image "${NODE_IMAGE:-docker.io/kindest/node:v1.36.1}" --config "$config"
t1=$(date +%s.%N)
nodes=$("${kc[@]}" get nodes -o jsonpath='{.items[*].metadata.name}')
for n in $nodes; do
  cidr=$("${kc[@]}" get node "$n" -o jsonpath='{.spec.podCIDR}')
  printf '{"cniVersion":"1.0.0","name":"smoke","plugins":[{"type":"ptp","mtu":1500,"ipam":{"type":"host-local","ranges":[[{"subnet":"%s"}]],"routes":[{"dst":"0.0.0.0/0"}]}},{"type":"portmap","capabilities":{"portMappings":true}}]}\n' "$cidr" \
    | podman exec -i "$n" sh -c 'cat > /etc/cni/net.d/10-smoke.conflist'
  for m in $nodes; do
    [ "$m" = "$n" ] && continue
    podman exec "$n" ip route replace "$("${kc[@]}" get node "$m" -o jsonpath='{.spec.podCIDR}')" \
      via "$("${kc[@]}" get node "$m" -o jsonpath='{.status.addresses[?(@.type=="InternalIP")].address}')"
  done
done
"${kc[@]}" wait --for=condition=Ready node --all --timeout=180s
t2=$(date +%s.%N)
kind load image-archive "$PROBE_ARCHIVE" --name "$name"
for n in $nodes; do
  "${kc[@]}" run "probe-${n##*-}" --image="$PROBE_IMAGE" --image-pull-policy=Never \
    --overrides="{\"spec\":{\"nodeName\":\"$n\",\"tolerations\":[{\"operator\":\"Exists\"}]}}"
done
"${kc[@]}" wait --for=condition=Ready pod --all --timeout=120s
"${kc[@]}" -n kube-system wait --for=condition=Ready pod --all --timeout=120s
if [ "${ALLOW_BRIDGE_FORWARD:-0}" = 1 ]; then
  bridge=$(podman network inspect kind --format '{{.NetworkInterface}}')
  rule=(-i "$bridge" -o "$bridge" -m comment --comment "cni-conformance smoke $name" -j ACCEPT)
  iptables -I FORWARD 1 "${rule[@]}"
fi
target=$("${kc[@]}" get pod probe-worker -o jsonpath='{.status.podIP}')
"${kc[@]}" exec probe-plane -- ping -c 3 -W 2 "$target"
echo "smoke: kind create $(echo "$t1 - $t0" | bc) s, nodes Ready $(echo "$t2 - $t1" | bc) s after create"
