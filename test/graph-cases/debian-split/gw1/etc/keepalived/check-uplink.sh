#!/bin/sh
ip route show default | grep -q .
