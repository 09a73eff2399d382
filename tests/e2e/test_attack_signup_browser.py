"""A page on another origin tries to approve sign-ups through the admin's Chromium.

The admin (the operator) is logged in to the hub; a page served from another
port on 127.0.0.1 loads the approval URLs as images, sends them as a GET form and a
link, and posts them as a form without the hub's XSRF token. Another port on the same
host is the same *site* to a browser, so SameSite cookies still travel with every one
of these requests: what stops them is that approval takes only a POST with the token.
Then the admin's own authorization page still approves and discards.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from support.signups import APPROVED, MISSING, PENDING, can_log_in, sign_up, signup_state
from support.web import static_site

pytestmark = pytest.mark.e2e


@pytest.fixture
def attacker_site(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    """A static web site on another port of 127.0.0.1: (its URL, the folder it serves)."""
    with static_site(tmp_path) as url:
        yield url, tmp_path


@pytest.fixture
def admin_page(hub, context):
    demo = hub.demo_accounts["admin"]
    page = context.new_page()
    page.goto(f"{hub.url}/hub/login")
    page.fill("#username_input", demo["username"])
    page.fill("#password_input", demo["password"])
    page.click("#login_submit")
    page.wait_for_url(lambda url: "/hub/login" not in url, timeout=30_000)
    return page


def test_another_sites_page_approves_and_discards_nobody(hub, admin_page, attacker_site):
    site, folder = attacker_site
    victims = {
        way: sign_up(hub.url, f"forged-{way}")
        for way in ("img", "imgdiscard", "getform", "link", "postform")
    }
    hub_url = hub.url
    (folder / "images.html").write_text(
        f'<img src="{hub_url}/hub/authorize/forged-img">'
        f'<img src="{hub_url}/hub/discard/forged-imgdiscard">'
    )
    (folder / "getform.html").write_text(
        f'<form method="get" action="{hub_url}/hub/authorize/forged-getform"></form>'
        "<script>document.forms[0].submit()</script>"
    )
    (folder / "link.html").write_text(
        f'<a id="prize" href="{hub_url}/hub/authorize/forged-link">Win a phone</a>'
    )
    (folder / "postform.html").write_text(
        f'<form method="post" action="{hub_url}/hub/authorize/forged-postform">'
        '<input type="hidden" name="approve" value="1"></form>'
        "<script>document.forms[0].submit()</script>"
    )
    # Chromium requests the images but does not hand a page the answer to a
    # cross-origin image that is not one, so what the hub answered is read in its log.
    requested: set[str] = set()
    admin_page.on("request", lambda r: requested.add(r.url.split("?")[0].removeprefix(hub_url)))

    def on_the_hub(url: str) -> bool:
        return url.startswith(hub_url)

    admin_page.goto(f"{site}/images.html", wait_until="load")
    admin_page.goto(f"{site}/getform.html")
    admin_page.wait_for_url(on_the_hub)
    admin_page.goto(f"{site}/link.html")
    admin_page.click("#prize")
    admin_page.wait_for_url(on_the_hub)
    admin_page.goto(f"{site}/postform.html")
    admin_page.wait_for_url(on_the_hub)
    admin_page.wait_for_load_state()

    # Each request reached the hub with the admin's session, and was refused.
    log = hub.log_file.read_text()
    for method, path, status in (
        ("GET", "/hub/authorize/forged-img", 405),
        ("GET", "/hub/discard/forged-imgdiscard", 405),
        ("GET", "/hub/authorize/forged-getform", 405),
        ("GET", "/hub/authorize/forged-link", 405),
        ("POST", "/hub/authorize/forged-postform", 403),
    ):
        assert path in requested, (path, sorted(requested))
        assert f"{status} {method} {path} (admin@127.0.0.1)" in log, path
    for way, victim in victims.items():
        assert signup_state(hub.state_dir, victim.username) == PENDING, way
        assert not can_log_in(victim), way


def test_the_admins_own_page_still_approves_and_discards(hub, admin_page, artifacts_dir):
    welcome = sign_up(hub.url, "welcome-seller")
    spam = sign_up(hub.url, "spam-seller")
    admin_page.goto(f"{hub.url}/hub/authorize")
    admin_page.screenshot(path=artifacts_dir / "e2e-authorization-area.png", full_page=True)
    admin_page.locator(f"tr#{welcome.username}").get_by_role("button", name="Authorize").click()
    admin_page.wait_for_url(f"{hub.url}/hub/authorize#{welcome.username}")
    assert signup_state(hub.state_dir, welcome.username) == APPROVED
    assert can_log_in(welcome)

    admin_page.locator(f"tr#{spam.username}").get_by_role("button", name="Discard").click()
    admin_page.wait_for_url(f"{hub.url}/hub/authorize")
    assert signup_state(hub.state_dir, spam.username) == MISSING
    assert admin_page.locator(f"tr#{spam.username}").count() == 0
