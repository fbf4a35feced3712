#!/bin/bash
# Builds one minimal component image (a control-plane binary, CoreDNS, pause, kube-proxy, ...) into podman and saves it
# as a docker-archive for containerd. Inputs (env): IMAGE, BASE_TAR (optional rootfs tarball; default: a static,
# distroless-like tree with passwd/group, CA certificates and /tmp), FILES (newline-separated src:dest:mode), ENTRYPOINT
# (JSON array; optional), CMD (JSON array; optional), USER_ID (optional), LABELS (newline-separated k=v), ARCHIVE (output .tar), CA_FROM (a rootfs with
# /etc/ssl/certs/ca-certificates.crt), BUSYBOX (optional: a static busybox installed as /bin/busybox with a link per
# applet, as Alpine has), LINKS (optional, newline-separated path:target symbolic links).
set -euo pipefail
: "${IMAGE:?}" "${LABELS:?}" "${ARCHIVE:?}" "${CA_FROM:?}"
WORK=$(mktemp -d /var/tmp/cni-conformance-image.XXXXXX)
trap 'rm -rf "$WORK"' EXIT
R=$WORK/rootfs
mkdir -p "$R"
if [ -n "${BASE_TAR:-}" ]; then
  tar -C "$R" -xf "$BASE_TAR"
else
  # The files distroless/static carries (GoogleContainerTools/distroless base/README.md): users, CA bundle, /tmp.
  install -d -m 0755 "$R/etc/ssl/certs" "$R/usr/local/bin" "$R/var/lib" "$R/home/nonroot"
  install -d -m 1777 "$R/tmp"
  printf 'root:x:0:0:root:/root:/sbin/nologin\nnobody:x:65534:65534:nobody:/nonexistent:/sbin/nologin\nnonroot:x:65532:65532:nonroot:/home/nonroot:/sbin/nologin\n' > "$R/etc/passwd"
  printf 'root:x:0:\nnobody:x:65534:\nnonroot:x:65532:\n' > "$R/etc/group"
  echo 'hosts: files dns' > "$R/etc/nsswitch.conf"
  install -m 0644 "$CA_FROM/etc/ssl/certs/ca-certificates.crt" "$R/etc/ssl/certs/"
fi
if [ -n "${BUSYBOX:-}" ]; then
  install -D -m 0755 "$BUSYBOX" "$R/bin/busybox"
  for applet in $("$BUSYBOX" --list); do [ -e "$R/bin/$applet" ] || ln -s busybox "$R/bin/$applet"; done
fi
while IFS=: read -r src dest mode; do
  [ -z "$src" ] && continue
  install -D -m "${mode:-0755}" "$src" "$R$dest"
done <<< "${FILES:-}"
while IFS=: read -r path target; do
  [ -z "$path" ] && continue
  rm -f "$R$path"
  ln -s "$target" "$R$path"
done <<< "${LINKS:-}"
changes=()
[ -n "${ENTRYPOINT:-}" ] && changes+=(--change "ENTRYPOINT $ENTRYPOINT")
[ -n "${CMD:-}" ] && changes+=(--change "CMD $CMD")
[ -n "${USER_ID:-}" ] && changes+=(--change "USER $USER_ID")
while IFS= read -r l; do [ -n "$l" ] && changes+=(--change "LABEL $l"); done <<< "$LABELS"
tar -C "$R" -c . | podman import "${changes[@]}" - "$IMAGE" > /dev/null
mkdir -p "$(dirname "$ARCHIVE")"
rm -f "$ARCHIVE"
podman save --format docker-archive -o "$ARCHIVE" "$IMAGE"
echo "component-image: $IMAGE -> $ARCHIVE"
