#!/bin/sh
logger "quorum $*"
