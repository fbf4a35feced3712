#!/bin/sh
# Prints "<go arch> <docker static arch>" for this build: BuildKit's TARGETARCH when set, else the base image's dpkg
# architecture (the classic builder sets no TARGETARCH). Never a fixed amd64: arm64 hosts get arm64 tools.
# download.docker.com/linux/static/stable/ names the arches x86_64 and aarch64 (docker-library/docker versions.json).
set -eu
arch="${TARGETARCH:-$(dpkg --print-architecture)}"
case "$arch" in
  amd64) echo "amd64 x86_64" ;;
  arm64) echo "arm64 aarch64" ;;
  *) echo "toolbox: unsupported architecture \"$arch\" (supported: amd64, arm64)" >&2; exit 1 ;;
esac
