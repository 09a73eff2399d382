"""The public gallery in a real browser, on a phone (360x740) and on a laptop (1280x800).

One gallery for the module, run alone the way the hub runs it (in its sandbox, every
app in English and French, one warm kernel each). The index in both languages, and
every app in both: nothing scrolls sideways, the app is in its language, its main
control moves its chart, and no request leaves the machine.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from isoko.gallery import messages
from isoko.sims.registry import SimEntry, catalog
from support.app_page import (
    CHARTS,
    SIM,
    assert_fits,
    charts,
    main_control,
    move,
    wait_for_new_chart,
)
from support.gallery import GalleryServer, running_gallery

pytestmark = pytest.mark.e2e

VIEWPORTS = {"360": {"width": 360, "height": 740}, "desktop": {"width": 1280, "height": 800}}
LANGUAGES = ("en", "fr")
#: A warm kernel draws at once; a cold one (its pool refilling) takes a few seconds.
RENDER_TIMEOUT_MS = 120_000
UPDATE_TIMEOUT_MS = 30_000


@pytest.fixture(scope="module")
def gallery(artifacts_dir: Path, tmp_path_factory) -> Iterator[GalleryServer]:
    workdir = tmp_path_factory.mktemp("gallery")
    with running_gallery(workdir, languages=LANGUAGES, max_kernels=16) as server:
        try:
            yield server
        finally:
            shutil.copy(server.log, artifacts_dir / "gallery.log")


@pytest.fixture
def page(browser: Browser, gallery: GalleryServer, request) -> Iterator[Page]:
    viewport = request.node.callspec.params["viewport"]
    context = browser.new_context(viewport=VIEWPORTS[viewport])
    context.set_default_timeout(UPDATE_TIMEOUT_MS)
    page = context.new_page()
    elsewhere: list[str] = []
    page.on(
        "request",
        lambda r: (
            None if r.url.startswith((gallery.url, "data:", "blob:")) else elsewhere.append(r.url)
        ),
    )
    page.elsewhere = elsewhere  # type: ignore[attr-defined]
    try:
        yield page
    finally:
        # Leaving the page, as a visitor does: Voilà's page asks the gallery to stop its
        # kernel as it unloads (else the cap fills up with kernels nobody uses).
        page.goto("about:blank")
        page.wait_for_timeout(300)
        context.close()
    assert not elsewhere, f"requests that left the machine: {elsewhere}"


def no_sideways_scroll(page: Page) -> None:
    widths = page.evaluate(
        "() => ({scroll: document.documentElement.scrollWidth, inner: window.innerWidth})"
    )
    assert widths["scroll"] <= widths["inner"] + 1, widths


@pytest.mark.parametrize("viewport", list(VIEWPORTS))
@pytest.mark.parametrize("language", LANGUAGES)
def test_the_index_shows_every_simulator_and_leads_to_it(
    page: Page, gallery: GalleryServer, language: str, viewport: str
):
    _ = messages.translator(language)
    reply = page.goto(gallery.index_url(language))
    assert reply is not None and reply.status == 200
    expect(page.locator("h1")).to_have_text(_(messages.GALLERY_TITLE))
    cards = page.locator(".isoko-card")
    expect(cards).to_have_count(len(catalog()))
    for entry in catalog():
        card = page.locator(f'.isoko-card[data-sim="{entry.id}"]')
        expect(card.locator("h2")).to_have_text(_(entry.title))
        expect(card.locator(".isoko-question")).to_have_text(_(entry.question))
    assert page.locator(".isoko-picture svg").count() >= len(catalog()) - 1
    no_sideways_scroll(page)
    # The other language is one tap away, and so is each app.
    other = next(code for code in LANGUAGES if code != language)
    page.locator(f'nav.isoko-languages a[hreflang="{other}"]').click()
    expect(page.locator("html")).to_have_attribute("lang", other)
    page.go_back()
    page.locator(".isoko-card a.isoko-open").first.click()
    page.locator(CHARTS).first.wait_for(state="visible", timeout=RENDER_TIMEOUT_MS)
    assert page.url == f"{gallery.url}{language}/{catalog()[0].id}"


@pytest.mark.parametrize("viewport", list(VIEWPORTS))
@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("entry", catalog(), ids=[entry.id for entry in catalog()])
def test_each_app_draws_in_its_language_fits_and_redraws(
    page: Page, gallery: GalleryServer, entry: SimEntry, language: str, viewport: str
):
    _ = messages.translator(language)
    reply = page.goto(gallery.app_url(entry.id, language), wait_until="domcontentloaded")
    assert reply is not None and reply.status == 200
    page.locator(CHARTS).first.wait_for(state="visible", timeout=RENDER_TIMEOUT_MS)
    expect(page.locator(SIM)).to_contain_text(_(entry.title))
    # The language switch above the app, and the language's numbers in the app.
    expect(page.locator(".jp-RenderedMarkdown strong")).to_have_text(
        messages.language_name(language)
    )
    if language == "fr":  # French groups thousands with a (narrow) no-break space
        expect(page.locator(SIM)).to_contain_text(re.compile(r"\d[\u00a0\u202f]\d{3}"))
    # The picture that stood in for the app while its scripts came is gone.
    expect(page.locator(".isoko-preview")).to_have_count(0)
    assert_fits(page)
    before = charts(page)
    move(main_control(page))
    wait_for_new_chart(page, before, UPDATE_TIMEOUT_MS)
    assert_fits(page)


@pytest.mark.parametrize("viewport", list(VIEWPORTS))
def test_before_any_script_a_visitor_already_sees_the_apps_chart(
    browser: Browser, gallery: GalleryServer, viewport: str
):
    """On a slow phone the page's scripts take seconds: the app's chart at its starting
    values is in the page itself. With no script at all, it is what the visitor sees."""
    context = browser.new_context(viewport=VIEWPORTS[viewport], java_script_enabled=False)
    page = context.new_page()
    try:
        page.goto(gallery.app_url("price-and-profit", "fr"))
        preview = page.locator(".isoko-preview")
        expect(preview.locator("h2")).to_have_text("Prix et bénéfice")
        expect(preview.locator("svg")).to_be_visible()
        expect(preview.locator("svg title")).to_have_text("Bénéfice selon le prix")
        no_sideways_scroll(page)
    finally:
        # No script, so no unload request: stop the page's kernel as the page would.
        xsrf = next(c["value"] for c in context.cookies() if c["name"] == "_xsrf")
        kernel = re.search(r'"kernelId": "([0-9a-f-]{36})"', page.content()).group(1)
        stopped = context.request.post(
            f"{gallery.url}voila/api/shutdown/{kernel}", form={"_xsrf": xsrf}
        )
        assert stopped.status == 204, stopped.status
        context.close()


def kernel_of(html: str) -> str:
    return re.search(r'"kernelId": "([0-9a-f-]{36})"', html).group(1)


def kernel_exists(context, gallery: GalleryServer, kernel: str) -> bool:
    reply = context.request.get(f"{gallery.url}api/kernels/{kernel}")
    assert reply.status in (200, 404), reply.status
    return reply.status == 200


def test_leaving_an_app_stops_its_kernel_at_once(browser: Browser, gallery: GalleryServer):
    """The page asks the gallery to stop its kernel as it goes, so the place under the
    cap is free again at once, not after the minute of the sweep for abandoned ones."""
    context = browser.new_context(viewport=VIEWPORTS["360"])
    try:
        page = context.new_page()
        page.goto(gallery.app_url("price-and-profit"))
        page.locator(CHARTS).first.wait_for(state="visible", timeout=RENDER_TIMEOUT_MS)
        kernel = kernel_of(page.content())
        assert kernel_exists(context, gallery, kernel)
        page.goto("about:blank")
        for _ in range(50):
            if not kernel_exists(context, gallery, kernel):
                break
            page.wait_for_timeout(200)
        assert not kernel_exists(context, gallery, kernel), "the kernel outlived its page"
    finally:
        context.close()


def test_a_page_whose_kernel_is_gone_says_so_in_its_language(
    browser: Browser, gallery: GalleryServer
):
    """A page opened again from history, or left open past the idle limit, names a kernel
    the gallery has stopped: the visitor is told to reload, in the page's language, and
    the chart's picture stays, instead of a page that waits for ever."""
    context = browser.new_context(viewport=VIEWPORTS["360"])
    url = gallery.app_url("stock-and-reorder", "fr")

    def serve_with_its_kernel_stopped(route) -> None:
        reply = route.fetch()
        body = reply.text()
        xsrf = next(c["value"] for c in context.cookies() if c["name"] == "_xsrf")
        stopped = context.request.post(
            f"{gallery.url}voila/api/shutdown/{kernel_of(body)}", form={"_xsrf": xsrf}
        )
        assert stopped.status == 204, stopped.status
        route.fulfill(response=reply, body=body)

    try:
        page = context.new_page()
        page.route(url, serve_with_its_kernel_stopped)
        page.goto(url)
        notice = page.locator(".isoko-failed[role=alert]")
        expect(notice).to_have_text(
            "Ce simulateur n'a pas pu démarrer. Rechargez la page pour réessayer."
        )
        expect(page.locator(".isoko-preview svg")).to_be_visible()
        assert page.locator(CHARTS).count() == 0
        no_sideways_scroll(page)
    finally:
        context.close()


def test_french_sliders_show_and_read_french_numbers(browser: Browser, gallery: GalleryServer):
    """The apps' own text says 13 466 800 RWF and 10,00 USD in French: the sliders'
    readouts do too, and a price typed the French way into one is read as meant."""
    context = browser.new_context(viewport=VIEWPORTS["360"])
    try:
        page = context.new_page()
        page.goto(gallery.app_url("price-and-profit", "fr"))
        page.locator(CHARTS).first.wait_for(state="visible", timeout=RENDER_TIMEOUT_MS)
        readouts = page.locator(".widget-readout")
        expect(readouts.first).to_have_text("10,00")
        expect(readouts.filter(has_text=re.compile(r"^5,0\s%$"))).to_have_count(1)
        before = charts(page)
        readouts.first.click()
        page.keyboard.press("Control+A")
        page.keyboard.type("12,50")
        page.keyboard.press("Enter")
        expect(readouts.first).to_have_text("12,50")
        wait_for_new_chart(page, before, UPDATE_TIMEOUT_MS)
        expect(page.locator(SIM)).to_contain_text("12,50 USD")
    finally:
        context.close()
