"""Voilà pages' scripts and stylesheets: Voilà's chunks in one script, in Brotli when the
browser offers it."""

from __future__ import annotations

import gzip
import hashlib
import json
import shutil
import subprocess
from pathlib import Path

import brotli
import pytest
from tornado.httpclient import AsyncHTTPClient
from tornado.web import Application, RequestHandler, StaticFileHandler

from isoko.hub import compression, voila_bundle
from isoko.hub.server_config import apply_transforms, standalone_tornado_settings, voila_settings
from support.aio import run_alone

SCRIPT = b"function draw(){return 'chart'}\n" * 8000  # 256 kB: several static chunks
PAGE = b"<html><body>" + b"<div>cell</div>" * 500 + b"</body></html>"


class StreamedPage(RequestHandler):
    """Like Voila's page: sent in parts while the notebook runs."""

    async def get(self) -> None:
        self.set_header("Content-Type", "text/html")
        self.write(PAGE[:1000])
        await self.flush()
        self.write(PAGE[1000:])


async def fetch_all(root: Path, encodings: str) -> dict[str, tuple[dict, bytes]]:
    settings = voila_settings()["ServerApp"]["tornado_settings"]
    app = Application(
        [
            (r"/static/(.*)", StaticFileHandler, {"path": str(root)}),
            (r"/page", StreamedPage),
        ],
        transforms=settings["transforms"],
    )
    server = app.listen(0, address="127.0.0.1")
    port = next(iter(server._sockets.values())).getsockname()[1]
    client = AsyncHTTPClient()
    replies = {}
    try:
        for path in ("/static/app.js", "/static/app.css", "/static/logo.png", "/page"):
            reply = await client.fetch(
                f"http://127.0.0.1:{port}{path}",
                headers={"Accept-Encoding": encodings},
                decompress_response=False,
            )
            replies[path] = (dict(reply.headers), reply.body)
    finally:
        server.stop()
    return replies


@pytest.fixture
def static_root(tmp_path: Path) -> Path:
    (tmp_path / "app.js").write_bytes(SCRIPT)
    (tmp_path / "app.css").write_bytes(b".isoko-chart{width:100%}\n" * 2000)
    (tmp_path / "logo.png").write_bytes(b"\x89PNG" + bytes(4000))
    return tmp_path


def test_scripts_and_styles_go_out_in_brotli_when_offered(static_root):
    replies = run_alone(fetch_all(static_root, "gzip, deflate, br, zstd"))
    headers, body = replies["/static/app.js"]
    assert headers["Content-Encoding"] == "br"
    assert brotli.decompress(body) == SCRIPT
    assert len(body) < len(gzip.compress(SCRIPT))  # the point of it
    assert "Accept-Encoding" in headers["Vary"]  # caches keep one form per encoding
    headers, body = replies["/static/app.css"]
    assert headers["Content-Encoding"] == "br"
    assert brotli.decompress(body) == (static_root / "app.css").read_bytes()
    # Images are not touched; the streamed page is not held back: gzip, as before.
    assert "Content-Encoding" not in replies["/static/logo.png"][0]
    headers, body = replies["/page"]
    assert headers["Content-Encoding"] == "gzip" and gzip.decompress(body) == PAGE


def test_browsers_that_do_not_offer_brotli_get_gzip(static_root):
    # Browsers offer Brotli to HTTPS and loopback only: a classroom on plain HTTP.
    replies = run_alone(fetch_all(static_root, "gzip, deflate"))
    headers, body = replies["/static/app.js"]
    assert headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(body) == SCRIPT


def test_the_install_time_form_is_served_and_missing_ones_are_made_on_the_fly(tmp_path):
    cache = tmp_path / "cache"
    cache.mkdir()
    best = brotli.compress(SCRIPT, quality=11)
    (cache / f"{hashlib.sha1(SCRIPT).hexdigest()}.br").write_bytes(best)
    assert compression.brotli_form(SCRIPT, cache) == best
    other = SCRIPT + b"// newer\n"
    assert brotli.decompress(compression.brotli_form(other, cache)) == other


def test_precompress_writes_each_static_file_once(tmp_path):
    share, cache = tmp_path / "share", tmp_path / "cache"
    static = share / "voila/templates/base/static"
    static.mkdir(parents=True)
    (static / "1.voila.js").write_bytes(SCRIPT)
    (static / "font.woff2").write_bytes(bytes(100))  # already compressed: left alone
    (share / "labextensions/@jupyter-widgets/x/static").mkdir(parents=True)
    (share / "labextensions/@jupyter-widgets/x/static/2.js").write_bytes(b"var a=1;" * 300)
    assert compression.precompress(share, cache) == (2, 0)
    written = cache / f"{hashlib.sha1(SCRIPT).hexdigest()}.br"
    assert brotli.decompress(written.read_bytes()) == SCRIPT
    assert compression.precompress(share, cache) == (0, 2)


def test_voila_chunks_become_one_script_that_registers_each_chunk_in_its_own_scope(tmp_path):
    share = tmp_path / "share"
    static = voila_bundle.voila_static(share)
    static.mkdir(parents=True)
    first, second = voila_bundle.CHUNKS[:2]
    for chunk in (first, second):
        (static / f"{chunk}.voila.js").write_text(
            f'"use strict";(self.webpackChunk=self.webpackChunk||[]).push([[{chunk}],{{}}]);'
        )
    assert voila_bundle.build(share) == (2, len(voila_bundle.CHUNKS) - 2)
    script = voila_bundle.bundle_path(share).read_text()
    assert script.count("(function () {") == 2 and f"push([[{second}]" in script
    # Run it: both chunks land in the list Voila's runtime reads when it starts.
    node = shutil.which("node")
    if node:
        read = "console.log(JSON.stringify(self.webpackChunk.map(c => c[0][0])))"
        run = subprocess.run(
            [node, "-e", f"var self = {{}};\n{script}\n{read}"],
            capture_output=True,
            text=True,
            check=True,
        )
        assert json.loads(run.stdout) == [first, second]


def test_no_chunk_of_this_voila_found_means_no_bundle_and_pages_as_before(tmp_path):
    share = tmp_path / "share"
    voila_bundle.bundle_path(share).parent.mkdir(parents=True)
    voila_bundle.bundle_path(share).write_text("old")
    assert voila_bundle.build(share) == (0, len(voila_bundle.CHUNKS))
    assert not voila_bundle.bundle_path(share).exists()


def test_pages_load_the_bundle_only_when_it_is_installed(tmp_path, monkeypatch):
    monkeypatch.setattr(voila_bundle, "bundle_path", lambda: tmp_path / "isoko-preload.js")
    assert voila_settings()["VoilaConfiguration"]["resources"] == {"isoko_preload": False}
    (tmp_path / "isoko-preload.js").write_text("")
    assert voila_settings()["VoilaConfiguration"]["resources"] == {"isoko_preload": True}


def test_the_gallery_compresses_and_caches_as_learners_servers_do():
    from isoko.gallery.app import gallery_config

    config = gallery_config("/services/gallery/", 8000, 1, 8)
    tornado = config.Voila.tornado_settings
    assert tornado["transforms"] == compression.TRANSFORMS
    assert tornado["static_immutable_cache"] == ["/services/gallery/voila/labextensions/"]
    assert tornado["websocket_compression_options"] == {}
    assert (
        config.VoilaConfiguration.resources == voila_settings()["VoilaConfiguration"]["resources"]
    )


def test_transforms_are_set_on_an_application_built_without_them():
    application = Application([])  # as Voila alone builds it, before reading its settings
    assert application.transforms == []
    apply_transforms(application, standalone_tornado_settings("/"))
    assert application.transforms == compression.TRANSFORMS
