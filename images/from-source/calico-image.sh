#!/bin/bash
# Builds one Calico image into podman and saves it as a docker-archive. component-image.sh's inputs (IMAGE, BASE_TAR, FILES,
# ENTRYPOINT, CMD, USER_ID, LABELS, ARCHIVE, CA_FROM) plus:
#   TREES  newline-separated src_dir:dest_dir:mode  (a directory of the calico module copied in; every file gets mode)
#   DIRS   newline-separated path:owner:mode        (empty directories or files, "path/" for a directory)
#   LINKS  newline-separated path:target            (symbolic links)
#   ENVS   newline-separated NAME=value
#   REMOVE newline-separated paths of the base removed first
#   EDITS  newline-separated path<TAB>sed expression, applied last
#   WORKDIR the image's working directory (optional)
set -euo pipefail
: "${IMAGE:?}" "${LABELS:?}" "${ARCHIVE:?}" "${CA_FROM:?}"
WORK=$(mktemp -d /var/tmp/cni-conformance-calico.XXXXXX)
trap 'rm -rf "$WORK"' EXIT
R=$WORK/rootfs
mkdir -p "$R"
if [ -n "${BASE_TAR:-}" ]; then
  tar -C "$R" -xf "$BASE_TAR"
else
  # distroless/static's files (GoogleContainerTools/distroless base/README.md), as component-image.sh lays them.
  install -d -m 0755 "$R/etc/ssl/certs" "$R/usr/bin" "$R/var/lib"
  install -d -m 1777 "$R/tmp"
  printf 'root:x:0:0:root:/root:/sbin/nologin\nnobody:x:65534:65534:nobody:/nonexistent:/sbin/nologin\n' > "$R/etc/passwd"
  printf 'root:x:0:\nnobody:x:65534:\n' > "$R/etc/group"
  echo 'hosts: files dns' > "$R/etc/nsswitch.conf"
  install -m 0644 "$CA_FROM/etc/ssl/certs/ca-certificates.crt" "$R/etc/ssl/certs/"
fi
while IFS= read -r p; do [ -n "$p" ] && rm -rf "${R:?}$p"; done <<< "${REMOVE:-}"
# Files are installed through the rootfs's own links (Debian's merged /bin -> usr/bin): an absolute one would write to the host.
for l in "$R"/*; do
  if [ -L "$l" ] && [[ "$(readlink "$l")" == /* ]]; then echo "calico-image: $l is an absolute link; refusing to write through it" >&2; exit 1; fi
done
while IFS=: read -r src dest mode; do
  [ -z "$src" ] && continue
  # Module cache files are read-only and lose their mode in the module zip: set it here.
  (cd "$src" && find . -type f) | while read -r f; do install -D -m "$mode" "$src/$f" "$R$dest/$f"; done
done <<< "${TREES:-}"
while IFS=: read -r src dest mode; do
  [ -z "$src" ] && continue
  install -D -m "${mode:-0755}" "$src" "$R$dest"
done <<< "${FILES:-}"
while IFS=: read -r path owner mode; do
  [ -z "$path" ] && continue
  if [[ "$path" == */ ]]; then install -d -o "$owner" -m "$mode" "$R$path"
  else install -D -o "$owner" -m "$mode" /dev/null "$R$path"; fi
done <<< "${DIRS:-}"
while IFS=: read -r path target; do
  [ -z "$path" ] && continue
  mkdir -p "$(dirname "$R$path")" && ln -sfn "$target" "$R$path"
done <<< "${LINKS:-}"
while IFS=$'\t' read -r path expr; do
  [ -z "$path" ] && continue
  sed -i -e "$expr" "$R$path"
done <<< "${EDITS:-}"
changes=()
[ -n "${ENTRYPOINT:-}" ] && changes+=(--change "ENTRYPOINT $ENTRYPOINT")
[ -n "${CMD:-}" ] && changes+=(--change "CMD $CMD")
[ -n "${USER_ID:-}" ] && changes+=(--change "USER $USER_ID")
[ -n "${WORKDIR:-}" ] && changes+=(--change "WORKDIR $WORKDIR")
while IFS= read -r e; do [ -n "$e" ] && changes+=(--change "ENV $e"); done <<< "${ENVS:-}"
while IFS= read -r l; do [ -n "$l" ] && changes+=(--change "LABEL $l"); done <<< "$LABELS"
tar -C "$R" -c . | podman import "${changes[@]}" - "$IMAGE" > /dev/null
mkdir -p "$(dirname "$ARCHIVE")"
rm -f "$ARCHIVE"
podman save --format docker-archive -o "$ARCHIVE" "$IMAGE"
echo "calico-image: $IMAGE -> $ARCHIVE"
