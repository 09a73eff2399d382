"""The gallery's server: Voilà standalone, with Isoko's index, URLs, cap and pools.

Voilà's own handlers serve the page's assets and the kernels' websockets; its tree,
``/voila/render`` and contents handlers are removed (they would list the folder, and
go around the cap). Isoko's handlers serve the index and each app under its language.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import tornado.ioloop
import tornado.web
from traitlets.config import Config
from voila.app import Voila
from voila.tornado.contentshandler import VoilaContentsHandler
from voila.tornado.handler import TornadoVoilaHandler
from voila.tornado.treehandler import TornadoVoilaTreeHandler

from isoko.gallery import page_script, pages
from isoko.gallery.folder import apps_dir, jupyter_dir
from isoko.gallery.kernels import IDLE_AFTER_SECONDS, KernelCap
from isoko.hub.server_config import apply_transforms, standalone_tornado_settings, voila_settings
from isoko.sims.registry import SimEntry

#: Seconds between two looks for kernels whose page has gone.
ABANDONED_CHECK_SECONDS = 15


class GalleryContext:
    """What the gallery's handlers share."""

    def __init__(
        self,
        base_url: str,
        folder: Path,
        languages: Sequence[str],
        entries: Sequence[SimEntry],
        max_kernels: int,
    ) -> None:
        self.base_url = base_url
        self.folder = folder
        self.languages = list(languages)
        self.entries = {entry.id: entry for entry in entries}
        self.max_kernels = max_kernels
        #: Made with Voilà's kernel manager, once the application has one.
        self.cap: KernelCap | None = None
        self.index_cache: dict[str, str] = {}
        self.preview_cache: dict[tuple[str, str], str] = {}

    def index(self, language: str) -> str:
        if language not in self.index_cache:
            self.index_cache[language] = pages.index_page(
                self.base_url, language, self.languages, list(self.entries.values()), self.folder
            )
        return self.index_cache[language]

    def preview(self, language: str, app_id: str) -> str:
        """The app's picture for its page: read once, like the index (the folder changes
        only when the hub restarts the gallery)."""
        key = (language, app_id)
        if key not in self.preview_cache:
            self.preview_cache[key] = pages.preview(self.folder, language, self.entries[app_id])
        return self.preview_cache[key]


class IndexHandler(tornado.web.RequestHandler):
    def initialize(self, gallery: GalleryContext) -> None:
        self.gallery = gallery

    def get(self, language: str | None = None) -> None:
        gallery = self.gallery
        language = language or gallery.languages[0]
        if language not in gallery.languages:
            self.set_status(404)
            first = gallery.languages[0]
            self.finish(pages.not_found_page(gallery.base_url, first, gallery.languages))
            return
        # The index changes only when the hub restarts the gallery.
        self.set_header("Cache-Control", "no-cache")
        self.finish(gallery.index(language))


class AppHandler(TornadoVoilaHandler):
    """One app, ``<lang>/<id>``: Voilà's page, unless the gallery is full."""

    def initialize(self, gallery: GalleryContext, **kwargs: Any) -> None:
        super().initialize(**kwargs)
        self.gallery = gallery

    async def get(self, language: str, app_id: str) -> None:  # type: ignore[override]
        gallery = self.gallery
        if language not in gallery.languages or app_id not in gallery.entries:
            fallback = language if language in gallery.languages else gallery.languages[0]
            self.set_status(404)
            self.finish(pages.not_found_page(gallery.base_url, fallback, gallery.languages))
            return
        if not gallery.cap.admit():
            self.set_status(503)
            self.set_header("Retry-After", "60")
            self.set_header("Cache-Control", "no-store")
            path = f"{language}/{app_id}"
            self.finish(pages.busy_page(gallery.base_url, language, gallery.languages, path))
            return
        # Voilà's page stops its kernel when it unloads, with a request that carries the
        # _xsrf cookie's value: set the cookie, or every closed page's kernel stays.
        self.xsrf_token  # noqa: B018 (reading it sets the cookie)
        edits = pages.app_page_edits(language, gallery.preview(language, app_id))
        try:
            async for html in self.get_generator(path=f"{language}/{app_id}.ipynb"):
                html, edits = pages.edit_once(html, edits)
                self.write(html)
                self.flush()
        finally:
            gallery.cap.served()


class GalleryApp(Voila):
    """Voilà, serving the gallery's folder under Isoko's URLs."""

    gallery: GalleryContext | None = None

    def init_handlers(self) -> list:
        # Voilà built its application before reading its Tornado settings: compression
        # (Brotli, gzip) is set on it here, or every page would go out uncompressed.
        apply_transforms(self.app, self.tornado_settings)
        removed = (TornadoVoilaTreeHandler, TornadoVoilaHandler, VoilaContentsHandler)
        handlers = [h for h in super().init_handlers() if h[1] not in removed]
        assert self.gallery is not None
        self.gallery.cap = KernelCap(self.kernel_manager, self.gallery.max_kernels)
        voila = {
            "template_paths": self.template_paths,
            "config": self.config,
            "voila_configuration": self.voila_configuration,
            "gallery": self.gallery,
        }
        base = self.base_url
        handlers += [
            (base, IndexHandler, {"gallery": self.gallery}),
            (rf"{base}([a-z]{{2,3}})/?", IndexHandler, {"gallery": self.gallery}),
            (rf"{base}([a-z]{{2,3}})/([a-z0-9-]+)", AppHandler, voila),
        ]
        return handlers

    def listen(self) -> None:
        cap = self.gallery.cap if self.gallery else None

        async def stop_abandoned() -> None:
            if cap is not None:
                stopped = await cap.stop_abandoned()
                if stopped:
                    self.log.info("Stopped %d kernel(s) whose page was gone", len(stopped))

        tornado.ioloop.PeriodicCallback(stop_abandoned, ABANDONED_CHECK_SECONDS * 1000).start()
        super().listen()


def gallery_config(base_url: str, port: int, preheated_per_app: int, max_kernels: int) -> Config:
    """Voilà's configuration for the gallery (the traitlets it reads)."""
    shared = voila_settings(base_url)
    tornado_settings = {
        **standalone_tornado_settings(base_url),
        # The gallery's own cookie, not sent to the hub or to learners' servers.
        "xsrf_cookie_kwargs": {"path": base_url, "samesite": "Lax"},
    }
    return Config(
        {
            "Voila": {
                "ip": "127.0.0.1",
                "port": port,
                "port_retries": 0,
                "open_browser": False,
                "base_url": base_url,
                "tornado_settings": tornado_settings,
            },
            "VoilaConfiguration": {
                **shared["VoilaConfiguration"],
                # The gallery's own front end (a tenth of Voilà's weight), when built.
                "template": page_script.TEMPLATE
                if page_script.installed()
                else shared["VoilaConfiguration"]["template"],
                "preheat_kernel": True,
                "default_pool_size": preheated_per_app,
                "show_tracebacks": False,
                # Nothing in the folder is a download: the notebooks are the apps' sources.
                "file_allowlist": [],
                "file_denylist": [".*"],
            },
            # Kernels reach the server over Unix sockets (beside each kernel's connection
            # file, in the sandbox's /tmp): they have no network at all.
            "KernelManager": {"transport": "ipc"},
            "MappingKernelManager": {
                "cull_idle_timeout": IDLE_AFTER_SECONDS,
                "cull_interval": 60,
                "cull_connected": True,
            },
            "VoilaKernelManager": {"fill_delay": 1.0},
        }
    )


def run(
    folder: Path,
    base_url: str,
    port: int,
    languages: Sequence[str],
    entries: Sequence[SimEntry],
    preheated_per_app: int,
    max_kernels: int,
) -> None:
    """Serve the gallery until stopped (SIGTERM or Ctrl-C)."""
    # The hub hands every service an API token; the gallery needs none, and its
    # kernels must not inherit one.
    for name in ("JUPYTERHUB_API_TOKEN", "JPY_API_TOKEN"):
        os.environ.pop(name, None)
    os.environ["JUPYTER_PATH"] = str(jupyter_dir(folder))
    app = GalleryApp(config=gallery_config(base_url, port, preheated_per_app, max_kernels))
    app.gallery = GalleryContext(base_url, folder, languages, entries, max_kernels)
    app.initialize([str(apps_dir(folder))])
    app.start()
