#!/bin/sh
# Installs the default route on the router that holds the gateway addresses.
# keepalived calls it as: default-route.sh TYPE NAME STATE PRIORITY
TYPE=$1
NAME=$2
STATE=$3

case "$NAME" in
    gateway)
        case "$STATE" in
            MASTER) ip route replace default via 192.0.2.254 ;;
            *) ip route del default via 192.0.2.254 2>/dev/null || true ;;
        esac
        ;;
esac
