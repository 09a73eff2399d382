"""The sign-up approval routes, without a hub: which handler serves which method."""

from __future__ import annotations

from isoko.hub.auth import DiscardSignupHandler, IsokoAuthenticator, ToggleApprovalHandler


def handlers() -> dict:
    # Building the authenticator opens its database; listing its routes needs none.
    authenticator = IsokoAuthenticator.__new__(IsokoAuthenticator)
    return dict(authenticator.get_handlers(app=None))


def test_approval_and_discard_are_served_by_post_only_handlers():
    routes = handlers()
    assert routes[r"/authorize/([^/]*)"] is ToggleApprovalHandler
    assert routes[r"/discard/([^/]*)"] is DiscardSignupHandler
    for handler in (ToggleApprovalHandler, DiscardSignupHandler):
        # Not overridden: tornado's own ``get`` answers 405.
        assert "get" not in vars(handler) and "post" in vars(handler)


def test_email_self_approval_links_are_not_served():
    assert not any(path.startswith("/confirm") for path in handlers())


def test_signup_join_and_course_pages_are_isokos():
    from isoko.hub.auth import IsokoSignUpHandler
    from isoko.hub.enrolment import CoursePageHandler, CourseSignupHandler, JoinHandler

    routes = handlers()
    assert routes[r"/signup"] is IsokoSignUpHandler
    assert routes[r"/join"] is JoinHandler
    assert routes[r"/course/([^/]+)"] is CoursePageHandler
    # Deciding a sign-up changes state: POST only (the hub checks its XSRF token).
    assert "get" not in vars(CourseSignupHandler) and "post" in vars(CourseSignupHandler)
