#!/bin/sh
logger "real server $*"
