"""A learner chooses French once, in Chromium on the real hub, and everything follows.

- On My courses (``/learn``) the learner presses *Français*: My courses is in French,
  JupyterLab opens in French (its *Fichier* menu), and both still are after their
  server is stopped and started again (the choice is JupyterLab's own setting, in the
  learner's home).
- An app opened from My courses shows French labels and French numbers.
- A choice made in JupyterLab's own Settings → Language menu shows on My courses; a
  language Isoko does not have is refused with a message naming the ones it has.

One hub for the file; a demo learner per test, each starting in English.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import BrowserContext, Page, expect

from isoko.sims.registry import find
from support.client import signed_in
from support.hub import running_hub

pytestmark = pytest.mark.e2e

#: A cold single-user server (JupyterLab, nbgrader, Voilà) takes a while on 2 cores.
SPAWN_TIMEOUT_MS = 180_000
#: JupyterLab's first load, and a Voilà page running its notebook in a fresh kernel.
LOAD_TIMEOUT_MS = 150_000
#: The price-and-profit app, where the hub puts it in a learner's home.
APP = find("price-and-profit").app.removeprefix("courses/")
SIM = ".isoko-sim"
#: French groups thousands with a no-break space (CLDR's U+202F, or U+00A0 which Isoko
#: writes, see isoko.i18n.numbers) and writes a decimal comma: 14 610 RWF, 10,00 USD.
FRENCH_THOUSANDS = re.compile(r"\d[\u00a0\u202f]\d{3}")
FRENCH_DECIMALS = re.compile(r"\d,\d\d\b")
ENGLISH_THOUSANDS = re.compile(r"\d,\d{3}\b")


@pytest.fixture(scope="module")
def hub(artifacts_dir) -> Iterator:
    with running_hub(artifacts_dir, "lang-") as hub:
        yield hub


def log_in(context: BrowserContext, hub, account: dict) -> Page:
    """Sign in through the hub's form and wait for the learner's server to answer."""
    page = context.new_page()
    page.goto(f"{hub.url}/hub/login")
    page.fill("#username_input", account["username"])
    page.fill("#password_input", account["password"])
    page.click("#login_submit")
    server = re.compile(rf"^{re.escape(hub.url)}/user/{re.escape(account['username'])}/")
    page.wait_for_url(server, timeout=SPAWN_TIMEOUT_MS)
    return page


def open_learn(page: Page, hub, name: str) -> None:
    """My courses, in whichever language the learner chose."""
    page.goto(f"{hub.url}/user/{name}/learn")
    expect(page.locator("form.languages")).to_be_visible(timeout=LOAD_TIMEOUT_MS)


def chosen(page: Page):
    """The language My courses shows as chosen (the switch's one item that is text)."""
    return page.locator("form.languages [aria-current='true']")


def open_lab(page: Page, hub, name: str) -> None:
    page.goto(f"{hub.url}/user/{name}/lab")
    page.wait_for_selector(".jp-LabShell", timeout=LOAD_TIMEOUT_MS)
    page.wait_for_selector(".lm-MenuBar-itemLabel", timeout=LOAD_TIMEOUT_MS)


def menu(page: Page, label: str):
    return page.locator(".lm-MenuBar-itemLabel", has_text=re.compile(rf"^{label}$"))


def restart_server(hub, account: dict) -> None:
    """Stop the learner's server through the hub, wait until it is gone, start it again."""
    user = signed_in(hub.url, account, start_server=False)
    name = account["username"]
    stopped = user.hub_api("DELETE", f"/users/{name}/server")
    assert stopped.status_code in (202, 204), stopped.text
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if not user.hub_api("GET", f"/users/{name}").json().get("servers"):
            break
        time.sleep(1)
    else:
        pytest.fail(f"{name}'s server did not stop within 120 s")
    user.start_server()


def test_french_chosen_once_on_my_courses_is_jupyterlabs_language_even_after_a_restart(
    context: BrowserContext, hub, artifacts_dir: Path
):
    learner = hub.demo_accounts["learners"][0]
    name = learner["username"]
    page = log_in(context, hub, learner)
    open_learn(page, hub, name)
    expect(chosen(page)).to_have_text("English")
    open_lab(page, hub, name)
    expect(menu(page, "File")).to_be_visible()

    open_learn(page, hub, name)
    expect(page.get_by_role("heading", name="My courses")).to_be_visible()
    page.get_by_role("button", name="Français").click()
    expect(chosen(page)).to_have_text("Français")
    # My courses itself is in French now, and says what changed.
    expect(page.get_by_role("heading", name="Mes cours")).to_be_visible()
    expect(page.locator("#note")).to_contain_text("s’ouvrent désormais dans cette langue")
    expect(page.get_by_role("button", name="English")).to_be_visible()
    page.screenshot(path=artifacts_dir / "e2e-lang-learn-french.png")

    open_lab(page, hub, name)
    expect(menu(page, "Fichier")).to_be_visible(timeout=60_000)
    expect(menu(page, "File")).to_have_count(0)
    page.screenshot(path=artifacts_dir / "e2e-lang-lab-french.png")

    restart_server(hub, learner)
    open_learn(page, hub, name)
    expect(chosen(page)).to_have_text("Français")
    expect(page.get_by_role("heading", name="Mes cours")).to_be_visible()
    # What a step says is French too.
    page.get_by_role("button", name="Récupérer").first.click()
    expect(page.locator("#note")).to_contain_text("est maintenant dans votre dossier")
    open_lab(page, hub, name)
    expect(menu(page, "Fichier")).to_be_visible(timeout=60_000)
    page.screenshot(path=artifacts_dir / "e2e-lang-lab-french-after-restart.png")


def test_an_app_opened_from_my_courses_shows_french_labels_and_numbers(
    context: BrowserContext, hub, artifacts_dir: Path
):
    learner = hub.demo_accounts["learners"][1]
    name = learner["username"]
    page = log_in(context, hub, learner)
    open_learn(page, hub, name)
    page.get_by_role("button", name="Français").click()
    expect(chosen(page)).to_have_text("Français")

    link = page.locator(f'a[href$="{APP}?lang=fr"]')
    expect(link).to_have_count(1)
    link.click()
    expect(page.locator(SIM)).to_be_visible(timeout=LOAD_TIMEOUT_MS)
    profit = page.locator(f"{SIM} .isoko-profit")
    expect(profit).to_contain_text("Bénéfice", timeout=LOAD_TIMEOUT_MS)
    expect(page.locator(SIM)).to_contain_text("Votre prix")
    expect(page.locator(f"{SIM} .isoko-chart svg")).to_be_visible()
    shown = profit.inner_text()
    assert FRENCH_THOUSANDS.search(shown) and FRENCH_DECIMALS.search(shown), shown
    assert not ENGLISH_THOUSANDS.search(shown), shown
    assert "Profit" not in shown, shown
    page.screenshot(path=artifacts_dir / "e2e-lang-app-french.png")

    # The same app in English when the URL says so: the language is the link's.
    page.goto(page.url.replace("lang=fr", "lang=en"))
    expect(page.locator(f"{SIM} .isoko-profit")).to_contain_text("Profit", timeout=LOAD_TIMEOUT_MS)
    shown = page.locator(f"{SIM} .isoko-profit").inner_text()
    assert ENGLISH_THOUSANDS.search(shown), shown


def test_jupyterlabs_own_language_menu_shows_on_my_courses_and_a_bad_language_is_refused(
    context: BrowserContext, hub, artifacts_dir: Path
):
    learner = hub.demo_accounts["learners"][2]
    name = learner["username"]
    page = log_in(context, hub, learner)
    open_lab(page, hub, name)
    menu(page, "Settings").click()
    page.locator(".lm-Menu-itemLabel", has_text=re.compile(r"^Language$")).click()
    page.locator(".lm-Menu-itemLabel", has_text="French").click()
    with page.expect_navigation(timeout=LOAD_TIMEOUT_MS):
        page.get_by_role("button", name="Change and reload").click()
    expect(menu(page, "Fichier")).to_be_visible(timeout=LOAD_TIMEOUT_MS)

    open_learn(page, hub, name)
    expect(chosen(page)).to_have_text("Français")
    expect(page.locator(f'a[href$="{APP}?lang=fr"]')).to_have_count(1)

    # A language Isoko has no catalogues for, posted as the switch would post it.
    page.locator("form.languages button[name='language']").evaluate("b => b.value = 'xx'")
    with page.expect_response(lambda r: r.url.endswith("/learn/language")) as posted:
        page.locator("form.languages button[name='language']").click()
    assert posted.value.status == 400
    expect(page.get_by_role("alert")).to_contain_text("Isoko has no language 'xx'")
    expect(page.get_by_role("alert")).to_contain_text("en (English), fr (Français)")
    page.screenshot(path=artifacts_dir / "e2e-lang-refused.png")
    open_learn(page, hub, name)
    expect(chosen(page)).to_have_text("Français")
