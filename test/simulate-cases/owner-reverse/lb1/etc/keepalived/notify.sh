#!/bin/sh
# keepalived calls it as: notify.sh TYPE NAME STATE PRIORITY
case "$2" in
    VI_1|VI_2|V1|V2|G) logger -t keepalived-notify "$1 $2 is now $3 (priority $4)" ;;
esac
