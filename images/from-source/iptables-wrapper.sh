#!/bin/sh
# iptables-wrapper for the flannel image built from source: the iptables, iptables-save, iptables-restore and ip6tables*
# links point here; the first call picks the mode the node uses, points Debian's alternatives at it and runs the command.
# Upstream's image builds the Go kubernetes-sigs/iptables-wrappers at bfef9e5 (flannel images/Dockerfile@v0.28.9:34-40),
# which the Go module proxy does not serve; this does what its main.go, internal/iptables/detect.go, rules.go and
# alternatives.go at that commit do: nft if `iptables-nft-save -t mangle` (then ip6tables) shows a KUBE-IPTABLES-HINT or
# KUBE-KUBELET-CANARY chain, else legacy if iptables-legacy-save (then ip6tables) shows one, else nft; then
# `update-alternatives --set iptables|ip6tables /usr/sbin/<cmd>-<mode>`, falling back to running xtables-<mode>-multi
# directly when that fails (an unprivileged pod), then re-running the command it was called as.
set -u
sbin=${IPTABLES_WRAPPER_SBIN:-/usr/sbin}  # a test sets another folder
hint='^:(KUBE-IPTABLES-HINT|KUBE-KUBELET-CANARY)'
has_hint() { "$@" 2>/dev/null | grep -Eq "$hint"; }
if has_hint "$sbin/xtables-nft-multi" iptables-save -t mangle || has_hint "$sbin/xtables-nft-multi" ip6tables-save -t mangle; then
  mode=nft
elif has_hint "$sbin/xtables-legacy-multi" iptables-save || has_hint "$sbin/xtables-legacy-multi" ip6tables-save; then
  mode=legacy
else
  mode=nft
fi
cmd=$(basename "$0")
if update-alternatives --set iptables "$sbin/iptables-$mode" >/dev/null 2>&1 \
  && update-alternatives --set ip6tables "$sbin/ip6tables-$mode" >/dev/null 2>&1 \
  && [ "$(readlink "$sbin/$cmd")" != iptables-wrapper ]; then
  exec "$sbin/$cmd" "$@"
fi
echo "Unable to redirect iptables binaries. (Are you running in an unprivileged pod?)" >&2
exec "$sbin/xtables-$mode-multi" "$cmd" "$@"
