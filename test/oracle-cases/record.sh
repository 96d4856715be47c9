#!/bin/sh
# Re-records this repository's own oracle cases: runs the installed keepalived -t (2.2.7 when
# recorded) on every case of cases.list inside a fresh network and UTS namespace with host name
# `vm` and one interface, eth0 (ifb, or a bridge where ifb is missing: what test/support/oracle.ts
# does), and writes NAME.expected (what keepalived printed, verbatim: stdout and stderr) and
# summary.tsv (case, exit code, command). Needs root (or unprivileged user namespaces).
# Each run is bounded by `timeout 10`: some configurations make keepalived -t loop forever.
set -eu
cd "$(dirname "$0")"
: > summary.tsv
grep -v '^#' cases.list | while IFS='	' read -r name args; do
  [ -n "$name" ] || continue
  set +e
  # shellcheck disable=SC2086 # args are the words after keepalived (-t -f FILE [-i ID])
  timeout 10 unshare -n -u sh -c '
    ip link set dev lo up
    hostname vm
    ip link add eth0 type ifb 2>/dev/null || ip link add eth0 type bridge
    ip link set dev eth0 multicast on arp on up
    exec keepalived "$@"' sh $args > "$name.expected" 2>&1 < /dev/null
  rc=$?
  set -e
  printf '%s\t%s\tkeepalived %s\n' "$name" "$rc" "$args" >> summary.tsv
done
