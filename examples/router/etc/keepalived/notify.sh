#!/bin/sh
# notify TYPE NAME STATE PRIORITY: installs the default route when this node becomes MASTER.
case "$2" in
    gateway_v4) [ "$3" = MASTER ] && ip route replace default via 192.0.2.1 ;;
esac
