#!/bin/sh
# The live gateway's benchmark (issue 12), as the issue names it: wrk over loopback against one uvicorn
# process serving a raw ASGI app, a bare Django view and /gw/demo-rest/prod/echo/bench. The work is in
# bench/livegw.py (``make bench`` runs it too); this runs it from any directory with the project's venv.
set -e
cd "$(dirname "$0")/.."
[ -x .venv/bin/python ] || make setup-dev >/dev/null
exec .venv/bin/python bench/livegw.py "$@"
