"""The gallery's app pages are as light as a learner's: compressed, few requests, cached.

Voilà run alone builds its web application before it reads its settings, so without
care the gallery would send its 5 MB of scripts uncompressed and ask for every widget
extension again on each visit.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser

from support.gallery import running_gallery
from support.voila import fresh_load

pytestmark = pytest.mark.e2e


def test_a_gallery_app_comes_compressed_in_few_requests_and_is_cached(browser: Browser, tmp_path):
    with running_gallery(tmp_path, apps=["price-and-profit"]) as gallery:
        first, again = fresh_load(browser, gallery.app_url("price-and-profit"), again=True)
    assert again is not None
    # About 5 MB of scripts and styles, sent compressed (about a fifth of it).
    assert first.body_bytes > 4_000_000
    assert first.bytes < 0.3 * first.body_bytes, (first.bytes, first.body_bytes)
    # Voila's front-end chunks come as one script, not one request each.
    assert first.requests < 30, first.urls
    assert [url for url in first.urls if "isoko-preload.js" in url]
    # A second visit asks for no script or stylesheet again: all cached.
    assert not [url for url in again.urls if url.split("?")[0].endswith((".js", ".css"))]
