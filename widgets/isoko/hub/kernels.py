"""A learner server's kernel manager, with a cap on kernels running at once.

Every open notebook holds a kernel, and every Voilà app visit leaves one until culled
(Voilà inside a Jupyter server starts its kernels through this same manager). Each
kernel may take a process's memory limit, so the cap is what bounds a learner's
kernels together. It is a guard against a forgotten pile of tabs, not a wall: the
account's rlimits (``isoko.hub.limits``) hold whatever a learner starts by other means.
"""

from __future__ import annotations

from jupyter_server.services.kernels.kernelmanager import AsyncMappingKernelManager
from tornado import web
from traitlets import Int


def too_many_kernels(running: int) -> str:
    return f"You have {running} kernels running: close a notebook or app first."


class CappedKernelManager(AsyncMappingKernelManager):
    """Refuses a new kernel while ``max_kernels`` are running or starting."""

    max_kernels = Int(0, config=True, help="Kernels one server may run at once; 0 for no limit.")

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        # Kernels asked for but not yet listed: a burst of requests must not slip past.
        self._starting = 0

    async def start_kernel(self, *, kernel_id=None, path=None, **kwargs):
        if kernel_id is not None and kernel_id in self:
            return await super().start_kernel(kernel_id=kernel_id, path=path, **kwargs)
        running = len(self.list_kernel_ids()) + self._starting
        if self.max_kernels and running >= self.max_kernels:
            message = too_many_kernels(running)
            # The reason is what an error page shows (Voilà's shows nothing else).
            raise web.HTTPError(429, message, reason=message)
        self._starting += 1
        try:
            return await super().start_kernel(kernel_id=kernel_id, path=path, **kwargs)
        finally:
            self._starting -= 1
