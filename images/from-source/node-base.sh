#!/bin/bash
# Assembles kind's base image offline, following kind images/base/Dockerfile@v0.32.0 step by step, and imports it into podman.
# One deviation: bookworm (systemd 252, boots on this cgroup v1 host) instead of the Dockerfile's debian:trixie-slim (:23), whose
# systemd 257 was not tried here (systemd deprecated cgroup v1 from v256).
# Inputs (env): ROOTFS_TAR (a tarball of a debootstrapped Debian with the Dockerfile's apt packages), KIND_DIR (the kind module's directory
# in the Go module cache: its images/base/files are copied at build time, never vendored), BIN (dir with containerd, ctr,
# containerd-shim-runc-v2, runc, crictl and the CNI plugins), IMAGE (tag to create), LABELS (newline-separated k=v).
set -euo pipefail
: "${ROOTFS_TAR:?}" "${KIND_DIR:?}" "${BIN:?}" "${IMAGE:?}" "${LABELS:?}"
WORK=$(mktemp -d /var/tmp/cni-conformance-node-base.XXXXXX)
trap 'rm -rf "$WORK"' EXIT
R=$WORK/rootfs
mkdir -p "$R"
tar -C "$R" -xf "$ROOTFS_TAR"
F=$KIND_DIR/images/base/files

# Dockerfile:29-42 — scripts and dirs 0755, everything else 0644.
install -d -m 0755 "$R/usr/local/bin" "$R/kind" "$R/kind/bin" "$R/LICENSES" "$R/etc/containerd" \
  "$R/etc/default" "$R/etc/sysctl.d" "$R/etc/systemd/system/kubelet.service.d"
install -m 0755 "$F"/usr/local/bin/* "$R/usr/local/bin/"
install -m 0644 "$F"/kind/README.txt "$R/kind/"
install -m 0755 "$F"/kind/bin/* "$R/kind/bin/"
install -m 0644 "$F"/LICENSES/* "$R/LICENSES/"
install -m 0644 "$F"/etc/crictl.yaml "$R/etc/"
install -m 0644 "$F"/etc/containerd/* "$R/etc/containerd/"
install -m 0644 "$F"/etc/default/* "$R/etc/default/"
install -m 0644 "$F"/etc/sysctl.d/* "$R/etc/sysctl.d/"
install -m 0644 "$F"/etc/systemd/system/*.service "$F"/etc/systemd/system/*.slice "$R/etc/systemd/system/"
install -m 0644 "$F"/etc/systemd/system/kubelet.service.d/* "$R/etc/systemd/system/kubelet.service.d/"

# Dockerfile:73-90 — the same unit clean-up after the packages (installed here by debootstrap).
find "$R/lib/systemd/system/sysinit.target.wants/" -name "systemd-tmpfiles-setup.service" -delete
rm -f "$R"/lib/systemd/system/multi-user.target.wants/* "$R"/etc/systemd/system/*.wants/* \
  "$R"/lib/systemd/system/local-fs.target.wants/* "$R"/lib/systemd/system/sockets.target.wants/*udev* \
  "$R"/lib/systemd/system/sockets.target.wants/*initctl* "$R"/lib/systemd/system/basic.target.wants/*
echo "ReadKMsg=no" >> "$R/etc/systemd/journald.conf"
ln -sf /usr/lib/systemd/systemd "$R/sbin/init"
rm -rf "$R"/var/lib/apt/lists/* "$R"/var/cache/apt/archives/*.deb "$R"/var/log/* "$R"/usr/share/doc/* "$R"/usr/share/man/*

# Dockerfile:93-97 — enable/mask units (systemctl --root edits the tree without a running systemd).
systemctl --root="$R" enable kubelet.service containerd.service undo-mount-hacks.service
systemctl --root="$R" mask systemd-binfmt.service
mkdir -p "$R/etc/kubernetes/manifests"

# Dockerfile:210-230 — containerd, runc at /usr/local/sbin, crictl, the CNI plugins.
install -m 0755 "$BIN/containerd" "$BIN/ctr" "$BIN/containerd-shim-runc-v2" "$BIN/crictl" "$R/usr/local/bin/"
install -m 0755 "$BIN/runc" "$R/usr/local/sbin/runc"
install -d -m 0755 "$R/opt/cni/bin"
for p in host-local loopback ptp portmap bridge; do install -m 0755 "$BIN/$p" "$R/opt/cni/bin/"; done
# Dockerfile:212-216 — the CRI base spec: ctr's default spec with kind's createContainer hook, without rlimits.
chroot "$R" /usr/local/bin/ctr oci spec \
  | chroot "$R" jq '.hooks.createContainer[.hooks.createContainer| length] |= . + {"path": "/kind/bin/mount-product-files.sh"}' \
  | chroot "$R" jq 'del(.process.rlimits)' > "$R/etc/containerd/cri-base.json"
chroot "$R" containerd --version
chroot "$R" runc --version

# Dockerfile:242-247 — ENV container=docker, STOPSIGNAL SIGRTMIN+3, the entrypoint.
changes=(--change 'ENV container=docker' --change 'STOPSIGNAL SIGRTMIN+3'
  --change 'ENTRYPOINT ["/usr/local/bin/entrypoint", "/sbin/init"]')
while IFS= read -r l; do [ -n "$l" ] && changes+=(--change "LABEL $l"); done <<< "$LABELS"
tar -C "$R" -c . | podman import "${changes[@]}" - "$IMAGE"
