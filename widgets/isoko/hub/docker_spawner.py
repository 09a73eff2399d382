"""DockerSpawner for compose, with each learner's name in the subpaths of its mounts.

DockerSpawner puts the user's name into a mount's source and target only; a learner's
exchange folders are subpaths of one shared volume (``isoko.hub.deployment``), so the
subpath must carry it too. Imported only by a hub in compose mode (the ``deploy`` extra).
"""

from __future__ import annotations

from docker.types import Mount
from dockerspawner import DockerSpawner

from isoko.hub.deployment import render


class IsokoDockerSpawner(DockerSpawner):
    @property
    def mount_binds(self):
        mounts = []
        for mount in self.mounts:
            args = dict(mount)
            for key in ("source", "target", "subpath"):
                if key in args:
                    args[key] = render(args[key], self.user.name)
            mounts.append(Mount(**args))
        return mounts
