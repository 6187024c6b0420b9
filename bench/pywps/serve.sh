#!/usr/bin/env bash
# Serve the PyWPS demo app (bench/pywps) with Debian's gunicorn and python3-pywps.
#
#   bench/pywps/serve.sh <port> <workdir> [workers]
#
# <workdir> receives pywps.cfg, outputs/ (status documents and results, served at /outputs), work/ (per-job
# directories), inputs/ (allowed for file:// inputs), the SQLite request log and pywps.log. workers defaults to 4.
# Environment: PYWPS_HOST (127.0.0.1), PYWPS_PARALLELPROCESSES (30), PYWPS_MAXPROCESSES (100),
# PYWPS_ALLOWEDINPUTPATHS (<workdir>/inputs), PYTHON (/usr/bin/python3), GUNICORN_ARGS (extra arguments).
# The script execs gunicorn: its PID is the server's, and SIGTERM stops it.
set -euo pipefail

if [ $# -lt 2 ]; then
  echo "usage: $0 <port> <workdir> [workers]" >&2
  exit 2
fi
port=$1
workdir=$2
workers=${3:-4}
here=$(cd "$(dirname "$0")" && pwd)
host=${PYWPS_HOST:-127.0.0.1}
python=${PYTHON:-/usr/bin/python3}

mkdir -p "$workdir/outputs" "$workdir/work" "$workdir/inputs"
workdir=$(cd "$workdir" && pwd)
allowed=${PYWPS_ALLOWEDINPUTPATHS:-$workdir/inputs}

sed -e "s|@HOST@|$host|g" \
    -e "s|@PORT@|$port|g" \
    -e "s|@WORKDIR@|$workdir|g" \
    -e "s|@PARALLEL@|${PYWPS_PARALLELPROCESSES:-30}|g" \
    -e "s|@MAXPROCESSES@|${PYWPS_MAXPROCESSES:-100}|g" \
    -e "s|@ALLOWEDINPUTPATHS@|$allowed|g" \
    "$here/pywps.cfg.in" > "$workdir/pywps.cfg"

export PYWPS_CFG="$workdir/pywps.cfg"
# shellcheck disable=SC2086
exec "$python" -m gunicorn \
  --workers "$workers" \
  --bind "$host:$port" \
  --chdir "$here" \
  --timeout 600 \
  --graceful-timeout 5 \
  --log-level warning \
  ${GUNICORN_ARGS:-} \
  wsgi:application
