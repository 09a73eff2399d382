"""The gallery's app pages are light: their own front end, compressed, cached.

Voilà run alone builds its web application before it reads its settings, so without
care the gallery would send its scripts uncompressed and ask for them again on each
visit; and Voilà's own front end alone is more than a phone on a slow link should wait for.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser

from support.gallery import running_gallery
from support.voila import fresh_load

pytestmark = pytest.mark.e2e


def test_a_gallery_app_is_three_requests_under_the_first_load_target_and_cached(
    browser: Browser, tmp_path
):
    with running_gallery(tmp_path, apps=["price-and-profit"]) as gallery:
        first, again = fresh_load(browser, gallery.app_url("price-and-profit"), again=True)
    assert again is not None
    # The gallery's own front end (isoko.gallery.page_script): the page, one script and
    # one stylesheet, none of Voilà's JupyterLab front end, which is 760 kB on its own.
    assert first.requests <= 4, first.urls
    assert [url for url in first.urls if "/isoko-app/static/isoko-app.js" in url], first.urls
    assert not [url for url in first.urls if "/voila/static/" in url or "labextensions" in url]
    # Issue 12's target for a first visit: at most 1,000 kB on the wire, sent compressed.
    assert first.bytes <= 1_000_000, first.bytes
    assert first.bytes < 0.35 * first.body_bytes, (first.bytes, first.body_bytes)
    # A second visit asks for no script or stylesheet again: all cached.
    assert not [url for url in again.urls if url.split("?")[0].endswith((".js", ".css"))]
