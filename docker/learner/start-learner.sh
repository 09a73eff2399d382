#!/bin/sh
# The learner container's command: the published course content into the learner's
# home, then JupyterHub's single-user server with the arguments the spawner passes.
#
# On one machine the hub runs this copy as the learner before the server starts
# (isoko.hub.spawner); a container's hub cannot, so the container does it itself, as
# the learner, from the course content volume (ISOKO_CONTENT_DIR, read-only). An
# unchanged file is updated, a file the learner changed is kept (isoko.courses.content).
set -u
content="${ISOKO_CONTENT_DIR:-/srv/isoko/courses}"
if [ -d "$content" ]; then
    # A failed copy must not keep the learner out of their own server.
    python -m isoko.courses.content "$content" "$HOME" \
        || echo "start-learner: the course content copy into $HOME failed" >&2
else
    echo "start-learner: no course content at $content" >&2
fi
exec python -m isoko.hub.singleuser "$@"
