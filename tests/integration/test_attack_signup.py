"""Forged sign-up approvals against the real hub: only the admin's own form approves.

NativeAuthenticator approved (and discarded) a sign-up on a plain GET of
``/hub/authorize/<name>``: any link or image the admin's browser loaded approved an
account. Each test here tries one way in with the admin's logged-in session.
"""

from __future__ import annotations

import pytest

from support.client import HubUser
from support.signups import APPROVED, MISSING, PENDING, can_log_in, sign_up, signup_state

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def admin(hub):
    demo = hub.demo_accounts["admin"]
    user = HubUser(hub.url, demo["username"], demo["password"])
    assert can_log_in(user)
    user.login()
    # A page view sets the hub's XSRF cookie for this session.
    assert user.session.get(user.url("/hub/authorize")).status_code == 200
    return user


def admin_action(admin: HubUser, method: str, path: str, xsrf: str | None = None, **kwargs):
    data = {"_xsrf": xsrf} if xsrf is not None else None
    return admin.session.request(
        method, admin.url(path), data=data, allow_redirects=False, **kwargs
    )


@pytest.mark.parametrize("action", ["authorize", "discard"])
def test_a_get_with_the_admins_session_changes_nothing(hub, admin, action):
    newcomer = sign_up(hub.url, f"get-{action}")
    reply = admin_action(admin, "GET", f"/hub/{action}/{newcomer.username}")
    assert reply.status_code == 405, reply.text[-500:]
    assert signup_state(hub.state_dir, newcomer.username) == PENDING
    assert not can_log_in(newcomer)


@pytest.mark.parametrize("action", ["authorize", "discard"])
def test_a_post_without_the_xsrf_token_is_refused(hub, admin, action):
    newcomer = sign_up(hub.url, f"noxsrf-{action}")
    for xsrf in (None, "", "forged-token"):
        reply = admin_action(admin, "POST", f"/hub/{action}/{newcomer.username}", xsrf)
        assert reply.status_code == 403, (xsrf, reply.status_code, reply.text[-500:])
    assert signup_state(hub.state_dir, newcomer.username) == PENDING
    assert not can_log_in(newcomer)


def test_the_admin_approves_with_the_token_and_the_learner_logs_in(hub, admin):
    newcomer = sign_up(hub.url, "approved-seller")
    assert not can_log_in(newcomer)
    reply = admin_action(admin, "POST", f"/hub/authorize/{newcomer.username}", admin._xsrf("/hub/"))
    assert reply.status_code == 302 and reply.headers["Location"].endswith(
        f"/hub/authorize#{newcomer.username}"
    )
    assert signup_state(hub.state_dir, newcomer.username) == APPROVED
    assert can_log_in(newcomer)


def test_the_admin_discards_with_the_token(hub, admin):
    newcomer = sign_up(hub.url, "discarded-seller")
    reply = admin_action(admin, "POST", f"/hub/discard/{newcomer.username}", admin._xsrf("/hub/"))
    assert reply.status_code == 302, reply.text[-500:]
    assert signup_state(hub.state_dir, newcomer.username) == MISSING
    assert not can_log_in(newcomer)


def test_approving_nobody_is_a_404(hub, admin):
    reply = admin_action(admin, "POST", "/hub/authorize/nobody-here", admin._xsrf("/hub/"))
    assert reply.status_code == 404


def test_a_learner_with_a_valid_token_cannot_approve(hub):
    newcomer = sign_up(hub.url, "learner-forged")
    demo = hub.demo_accounts["learners"][0]
    learner = HubUser(hub.url, demo["username"], demo["password"])
    learner.login()
    learner.session.get(learner.url("/hub/home"))
    reply = admin_action(
        learner, "POST", f"/hub/authorize/{newcomer.username}", learner._xsrf("/hub/")
    )
    assert reply.status_code == 403
    assert signup_state(hub.state_dir, newcomer.username) == PENDING


def test_self_approval_links_are_not_served(hub, admin):
    reply = admin_action(admin, "GET", "/hub/confirm/anything")
    assert reply.status_code == 404


def test_the_authorization_page_posts_its_actions_with_the_token(hub, admin):
    newcomer = sign_up(hub.url, "listed-seller")
    page = admin.session.get(admin.url("/hub/authorize")).text
    xsrf = admin._xsrf("/hub/")
    assert f'action="/hub/authorize/{newcomer.username}"' in page
    assert f'action="/hub/discard/{newcomer.username}"' in page
    assert f'name="_xsrf" value="{xsrf}"' in page
    assert 'method="post"' in page
    # No action is a link any more.
    assert f'href="/hub/authorize/{newcomer.username}"' not in page
    assert f'href="/hub/discard/{newcomer.username}"' not in page


def test_hub_and_server_cookies_are_same_site(hub, admin):
    demo = hub.demo_accounts["learners"][2]
    learner = HubUser(hub.url, demo["username"], demo["password"])
    learner.login()
    learner.start_server()
    admin.session.get(admin.url("/services/pricing/formgrader"))
    for user, paths in (
        (learner, ("/hub/", f"/user/{learner.username}/")),
        (admin, ("/hub/", "/services/pricing/")),
    ):
        # Login, OAuth and the hub's XSRF cookies; a Jupyter server's own _xsrf is not
        # the hub's (it guards that server's API, with its own token check).
        set_by_hub = [
            cookie
            for cookie in user.session.cookies
            if cookie.path in paths and (cookie.name != "_xsrf" or cookie.path == "/hub/")
        ]
        assert {cookie.path for cookie in set_by_hub} == set(paths), [
            (c.path, c.name) for c in user.session.cookies
        ]
        for cookie in set_by_hub:
            assert cookie.get_nonstandard_attr("SameSite") == "Lax", (cookie.path, cookie.name)
            assert not cookie.secure, "served over plain HTTP, Secure would drop the cookie"


def test_a_forged_password_change_is_refused(hub, admin):
    """The admin's change-password form for a learner posts only with the hub's token."""
    newcomer = sign_up(hub.url, "password-victim")
    approve = admin_action(
        admin, "POST", f"/hub/authorize/{newcomer.username}", admin._xsrf("/hub/")
    )
    assert approve.status_code == 302 and can_log_in(newcomer)
    form = {"new_password": "Taken-over-2026", "new_password_confirmation": "Taken-over-2026"}
    for path in (f"/hub/change-password/{newcomer.username}", "/hub/change-password"):
        # A GET only shows the form.
        assert admin_action(admin, "GET", path).status_code == 200
        for xsrf in (None, "forged-token"):
            data = {**form, "old_password": "unknown", **({"_xsrf": xsrf} if xsrf else {})}
            reply = admin.session.post(admin.url(path), data=data, allow_redirects=False)
            assert reply.status_code == 403, (path, xsrf, reply.status_code)
    assert can_log_in(newcomer), "the learner's own password must still work"
    assert can_log_in(HubUser(hub.url, admin.username, admin.password))
