#!/bin/bash
# Keeps rootful podman's default rlimits within this host's hard limits, for every container
# (kind passes no --ulimit: kind pkg/cluster/internal/providers/podman/provision.go@v0.32.0:128-231).
# Without it podman 4.3.1 sets any missing NOFILE/NPROC to 1048576 (podman pkg/specgen/generate/oci.go@v4.3.1:39-75)
# and runc fails with "error setting rlimit type 7" where the hard limit is lower.
# default_ulimits lives in the [containers] table of containers.conf (podman docs/containers.conf.5.md@v4.3.1, via containers/common).
set -eu
CONF=${CONTAINERS_CONF_PATH:-/etc/containers/containers.conf}
nofile=$(ulimit -Hn); nproc=$(ulimit -Hu)
[ "$nofile" = unlimited ] && nofile=1048576
[ "$nproc" = unlimited ] && nproc=1048576
# Measured on the project's machines (December 2026): with `ulimit -Hu` 96553, runc still failed with
# "error setting rlimit type 6: operation not permitted" for any nproc above 32768 (bisected), so cap it there.
[ "$nproc" -gt 32768 ] && nproc=32768
line="default_ulimits = [\"nofile=$nofile:$nofile\", \"nproc=$nproc:$nproc\"]"
mkdir -p "$(dirname "$CONF")"
touch "$CONF"
if grep -q '^[[:space:]]*default_ulimits' "$CONF"; then
  # Replace an existing setting (ours or another one) with limits this host can grant.
  sed -i "s|^[[:space:]]*default_ulimits.*|$line|" "$CONF"
elif grep -q '^\[containers\]' "$CONF"; then
  sed -i "/^\[containers\]/a $line" "$CONF"
else
  printf '\n[containers]\n%s\n' "$line" >> "$CONF"
fi
echo "podman-host: $CONF: $line"

# kind mounts /lib/modules read-only into every node (kind pkg/cluster/internal/providers/podman/provision.go@v0.32.0:
# `--volume /lib/modules:/lib/modules:ro`); podman, unlike docker, fails when a bind-mount source is missing, and a
# kernel without loadable modules (booted `nomodule`) may have no /lib/modules at all. An empty directory is enough.
MODULES=${LIB_MODULES_PATH:-/lib/modules}
if [ ! -d "$MODULES" ]; then
  mkdir -p "$MODULES"
  echo "podman-host: created empty /lib/modules (kind bind-mounts it into every node)"
fi
