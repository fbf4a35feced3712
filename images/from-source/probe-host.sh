#!/bin/bash
# Host probes before a kind cluster on podman (REAL-KIND.md section 7). Prints one `key=value` line per probe.
# Input: IMAGE (any local image with bash). A privileged podman container must start at all: rootful podman 4.3.1 applies
# containers.conf default_ulimits (podman pkg/specgen/container_validate.go@v4.3.1:139-168), see podman-host.sh.
set -uo pipefail
: "${IMAGE:?}"
out=$(podman run --rm --privileged --entrypoint bash "$IMAGE" -c '
  # kubelet asks -997 for critical pods (kubernetes pkg/kubelet/qos/policy.go@v1.36.1); below the inherited minimum this
  # needs CAP_SYS_RESOURCE (linux fs/proc/base.c __set_oom_adj), and runc aborts when the write fails
  # (runc libcontainer/nsenter/nsexec.c@v1.4.2:296-304).
  if echo -997 > /proc/self/oom_score_adj 2>/dev/null; then echo oom_negative=ok; else echo oom_negative=denied; fi
  echo caps=$(grep CapEff /proc/self/status | cut -f2)
  if mount -o remount,rw /proc/sys 2>/dev/null || [ -w /proc/sys/net/ipv4/ip_forward ]; then echo proc_sys=writable; else echo proc_sys=readonly; fi
  echo nofile=$(ulimit -n) nproc=$(ulimit -u)
' 2>&1)
rc=$?
echo "privileged_run=$([ $rc = 0 ] && echo ok || echo "failed: $(echo "$out" | tail -1)")"
echo "$out" | grep -E '^(oom_negative|caps|proc_sys|nofile)='
echo "lib_modules=$([ -d /lib/modules ] && echo present || echo absent)"
for f in matches targets; do
  echo "ip_tables_$f=$(tr '\n' ' ' < /proc/net/ip_tables_$f 2>/dev/null)"
done
echo "cgroup=$([ -f /sys/fs/cgroup/cgroup.controllers ] && echo v2 || echo v1)"
