"""Brotli for the scripts and stylesheets of Voilà pages, compressed once, at install.

An app page loads about 4.8 MB of JavaScript and CSS (Voilà's front end and the widget
manager). gzip, Tornado's own, brings that to about 1,350 kB on the wire; Brotli at its
highest quality to about 1,160 kB, 190 kB less for a phone on a slow link. That quality
costs about 5 s of CPU for one page's files, so it is paid once, at install: ``python -m
isoko.hub.compression`` writes each file's Brotli form into :data:`CACHE_DIR`, named by
the SHA-1 of its content. :class:`BrotliEncoding` serves from there; a file not found
there (a newer one) is compressed on the fly at a quick quality and kept in memory.

Browsers offer Brotli only to secure origins (HTTPS, and loopback): on a plain-HTTP
classroom network they get gzip, as before. Only successful GETs of scripts and
stylesheets are touched: the Voilà page itself streams while its notebook runs, and
must not wait for its end to be compressed.
"""

from __future__ import annotations

import hashlib
import sys
from pathlib import Path

from tornado import httputil
from tornado.web import GZipContentEncoding, OutputTransform

from isoko.hub import voila_bundle

#: Brotli forms of the installed static files, by the SHA-1 of their content.
CACHE_DIR = Path(sys.prefix) / "share" / "isoko" / "brotli"
#: What Voilà pages load: Voilà's templates and its widget manager, the lab template's CSS,
#: the widget extensions.
STATIC_DIRS = (
    "voila/templates",
    "voila/labextensions",
    "nbconvert/templates/lab/static",
    "labextensions",
)
TYPES = {"application/javascript", "text/javascript", "text/css", "image/svg+xml"}
SUFFIXES = {".js", ".css", ".svg"}
#: Install-time quality (best, slow) and on-the-fly quality (fast).
INSTALL_QUALITY = 11
LIVE_QUALITY = 5


def _brotli():
    import brotli

    return brotli


def _accepts_brotli(request: httputil.HTTPServerRequest) -> bool:
    offered = request.headers.get("Accept-Encoding", "")
    codings = {part.split(";")[0].strip().lower() for part in offered.split(",")}
    return "br" in codings and request.method == "GET"


#: Files compressed on the fly, by SHA-1: a page's files are a few hundred, named by hash.
_LIVE: dict[str, bytes] = {}
_LIVE_MAX = 1000


def _live(digest: str, body: bytes) -> bytes:
    """A file with no install-time form: compressed quickly, once per process."""
    if (found := _LIVE.get(digest)) is None:
        found = _brotli().compress(body, quality=LIVE_QUALITY)
        if len(_LIVE) < _LIVE_MAX:
            _LIVE[digest] = found
    return found


def brotli_form(body: bytes, cache_dir: Path = CACHE_DIR) -> bytes:
    """``body`` compressed with Brotli: the install-time form if there is one."""
    digest = hashlib.sha1(body).hexdigest()
    cached = cache_dir / f"{digest}.br"
    try:
        return cached.read_bytes()
    except OSError:
        return _live(digest, body)


class BrotliEncoding(OutputTransform):
    """``Content-Encoding: br`` for scripts and stylesheets, when the browser offers it.

    The body is gathered (static files come in 64 KiB chunks) and sent compressed at
    the end; anything else goes on to the next transform (gzip).
    """

    def __init__(self, request: httputil.HTTPServerRequest) -> None:
        self._active = _accepts_brotli(request)
        self._chunks: list[bytes] = []

    def transform_first_chunk(
        self, status_code: int, headers: httputil.HTTPHeaders, chunk: bytes, finishing: bool
    ) -> tuple[int, httputil.HTTPHeaders, bytes]:
        if self._active:
            ctype = str(headers.get("Content-Type", "")).split(";")[0].strip()
            self._active = (
                status_code == 200 and ctype in TYPES and "Content-Encoding" not in headers
            )
        if not self._active:
            return status_code, headers, chunk
        headers["Content-Encoding"] = "br"
        body = self.transform_chunk(chunk, finishing)
        if finishing:
            headers["Content-Length"] = str(len(body))
        elif "Content-Length" in headers:
            del headers["Content-Length"]
        return status_code, headers, body

    def transform_chunk(self, chunk: bytes, finishing: bool) -> bytes:
        if not self._active:
            return chunk
        self._chunks.append(chunk)
        if not finishing:
            return b""
        body, self._chunks = b"".join(self._chunks), []
        return brotli_form(body)


#: Tornado's output transforms for Voilà pages: Brotli where it applies, else gzip. Given
#: as ``transforms``, these replace Tornado's ``compress_response`` switch.
TRANSFORMS = [BrotliEncoding, GZipContentEncoding]


def precompress(share: Path, cache_dir: Path = CACHE_DIR) -> tuple[int, int]:
    """Write the Brotli form of every static file Voilà pages may load; skip those done.

    Returns (files written, files already there).
    """
    brotli = _brotli()
    cache_dir.mkdir(parents=True, exist_ok=True)
    written = kept = 0
    for folder in STATIC_DIRS:
        for path in sorted((share / folder).rglob("*")):
            if path.suffix not in SUFFIXES or not path.is_file():
                continue
            body = path.read_bytes()
            target = cache_dir / f"{hashlib.sha1(body).hexdigest()}.br"
            if target.exists():
                kept += 1
                continue
            partial = target.with_suffix(".part")
            partial.write_bytes(brotli.compress(body, quality=INSTALL_QUALITY))
            partial.chmod(0o644)
            partial.replace(target)
            written += 1
    cache_dir.chmod(0o755)
    return written, kept


def main() -> int:
    share = Path(sys.prefix) / "share" / "jupyter"
    chunks, missing = voila_bundle.build(share)
    print(f"Voila's chunks in one script: {chunks} ({missing} not in this Voila)")
    written, kept = precompress(share)
    print(f"Brotli forms of Voila's static files: {written} written, {kept} already there")
    return 0


if __name__ == "__main__":
    sys.exit(main())
