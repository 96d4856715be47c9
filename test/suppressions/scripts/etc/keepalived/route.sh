#!/bin/sh
# keepalived calls it as: route.sh TYPE NAME STATE PRIORITY
NAME=$2
cat <<MSG
# keepalived-lint disable-file -- inside a here-document: text, not a comment
MSG
case "$NAME" in
    gateway_v4) ip route replace default via 192.0.2.254 ;;
    # keepalived-lint disable-next-line script-unknown-name -- old name, kept for the rollback
    gateway) ip route replace default via 192.0.2.254 ;;
    gw_old) echo "# keepalived-lint disable-line" ;;
    gw_x) echo x ;; # keepalived-lint disable-line script-unknown-name
    gw_y) echo y ;; # keepalived-lint disable-line script-unknown-nam
esac
