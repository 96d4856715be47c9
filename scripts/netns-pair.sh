#!/bin/bash
# A one-off check of `simulate` against real keepalived, kept for poking at two configs by hand; the
# check itself is test/simulate-netns.test.ts (test/support/netns-cluster.ts: every event, any number
# of nodes, notify calls recorded and compared):
# two nodes, each keepalived in its own network namespace, joined by a veth pair (eth0,
# 198.51.100.1 and .2/24). Prints the IPv4 addresses each node holds once settled; with --kill-a,
# kills node A's keepalived and prints what B holds then. Notify scripts in the configs should be
# recorders of their argv (echo "$0 $*" >> LOG). Root only; run it inside `unshare -n` so nothing
# touches this machine's network:
#
#   unshare -n scripts/netns-pair.sh a.conf b.conf [--kill-a]
set -u
A=$(realpath "$1"); B=$(realpath "$2"); KILL=${3:-}
R=$(mktemp -d)
trap 'kill $KA $KB $PA $PB 2>/dev/null; kill $(cat $R/*.pid 2>/dev/null) 2>/dev/null; rm -rf $R' EXIT
ip link set lo up
unshare -n sleep 600 & PA=$!
unshare -n sleep 600 & PB=$!
sleep 0.5
ip link add ka netns $PA type veth peer name kb netns $PB
for x in "$PA ka 1" "$PB kb 2"; do
  set -- $x
  nsenter -t $1 -n sh -c "ip link set lo up; ip link set $2 name eth0; ip addr add 198.51.100.$3/24 dev eth0; ip link set eth0 up"
done
sleep 1
nsenter -t $PA -n keepalived -n -l -D -f "$A" -p $R/a.pid -r $R/a.vrrp.pid -c $R/a.chk.pid > $R/a.log 2>&1 & KA=$!
nsenter -t $PB -n keepalived -n -l -D -f "$B" -p $R/b.pid -r $R/b.vrrp.pid -c $R/b.chk.pid > $R/b.log 2>&1 & KB=$!
sleep ${WAIT:-8}
held() { nsenter -t $1 -n ip -o addr show dev eth0 | awk '$3 == "inet" || $4 !~ /^fe80/ {print $4}' | tr '\n' ' '; echo; }
echo "settled: A holds $(held $PA)"
echo "settled: B holds $(held $PB)"
if [ "$KILL" = --kill-a ]; then
  kill -9 $KA $(cat $R/a.vrrp.pid $R/a.pid 2>/dev/null) 2>/dev/null
  sleep ${WAIT:-8}
  echo "A killed: B holds $(held $PB)"
fi
