#!/bin/bash
# Builds a kind node image from the base image the way kind's node-image build does, with podman in place of docker:
# kind pkg/build/nodeimage/buildcontext.go@v0.32.0:77-151 (build container, binaries to /usr/bin, /kind/version, commit)
# and imageimporter.go@v0.32.0:36-100 (nohup containerd, ctr images import --no-unpack of each image archive).
# Inputs (env): BASE, IMAGE, KUBE_BIN (kubeadm kubelet kubectl), KUBE_VERSION, ARCHIVES (dir of docker-archive .tar files),
# LABELS (newline-separated k=v), OOM_RESTRICT (true: set containerd's restrict_oom_score_adj, see probe-host.sh).
set -euo pipefail
: "${BASE:?}" "${IMAGE:?}" "${KUBE_BIN:?}" "${KUBE_VERSION:?}" "${ARCHIVES:?}" "${LABELS:?}" "${OOM_RESTRICT:?}"
name=cni-conformance-node-build-$$
cleanup() { podman rm -f -v "$name" > /dev/null 2>&1 || true; }
trap cleanup EXIT
# buildcontext.go:337-373: sleep as entrypoint, seccomp unconfined, not privileged.
podman run -d --name "$name" --entrypoint=sleep --security-opt seccomp=unconfined "$BASE" infinity > /dev/null
for b in kubeadm kubelet kubectl; do
  podman cp "$KUBE_BIN/$b" "$name:/usr/bin/$b"
  podman exec "$name" chmod +x "/usr/bin/$b"
  podman exec "$name" chown root:root "/usr/bin/$b"
done
printf '%s' "$KUBE_VERSION" | podman exec -i "$name" sh -c 'cat > /kind/version'
if [ "$OOM_RESTRICT" = true ]; then
  # containerd docs/cri/config.md@v2.3.1:414-417: clamp requested oom_score_adj to containerd's own; kind's config.toml sets false.
  podman exec "$name" sed -i 's/restrict_oom_score_adj = false/restrict_oom_score_adj = true/' /etc/containerd/config.toml
  podman exec "$name" grep -q 'restrict_oom_score_adj = true' /etc/containerd/config.toml
fi
podman exec "$name" bash -c 'nohup containerd > /dev/null 2>&1 &'
podman exec "$name" bash -c 'for i in $(seq 1 50); do [ -S /run/containerd/containerd.sock ] && ctr info > /dev/null && exit 0; sleep 0.2; done; exit 1'
for a in "$ARCHIVES"/*.tar; do
  podman exec -i "$name" ctr --namespace=k8s.io images import --label=io.cri-containerd.pinned=pinned \
    --all-platforms --no-unpack --digests - < "$a"
done
podman exec "$name" ctr --namespace=k8s.io images list -q
podman exec "$name" pkill containerd
# Wait for containerd to close its metadata db; it stays a zombie (sleep, PID 1, reaps nothing), so ignore state Z.
podman exec "$name" bash -c 'for i in $(seq 1 100); do ps -C containerd -o stat= | grep -qv "^Z" || exit 0; sleep 0.2; done; exit 1'
changes=(--change 'ENTRYPOINT ["/usr/local/bin/entrypoint", "/sbin/init"]' --change 'CMD []')
while IFS= read -r l; do [ -n "$l" ] && changes+=(--change "LABEL $l"); done <<< "$LABELS"
podman commit -q "${changes[@]}" "$name" "$IMAGE" > /dev/null
echo "node-image: $IMAGE"
