"""Isoko's own app page (isoko.hub.app_page): the gallery's, where it was built; Voilà's
page where it was not, and always in learners' servers, which render any notebook."""

from __future__ import annotations

from isoko.gallery.app import gallery_config
from isoko.hub import app_page
from isoko.hub.server_config import voila_settings


def test_the_gallery_uses_isokos_app_page_when_it_is_built(monkeypatch):
    def templates() -> tuple[str, str]:
        in_server = voila_settings("/user/amina/")["VoilaConfiguration"]["template"]
        gallery = gallery_config("/services/gallery/", 8100, 1, 16).VoilaConfiguration.template
        return in_server, gallery

    monkeypatch.setattr(app_page, "installed", lambda share=None: True)
    # A learner's Voilà may render a lesson with maths or tables: Voilà's own page there.
    assert templates() == ("isoko", "isoko-app")
    # Built without Node.js: Voilà's own front end, heavier but working.
    monkeypatch.setattr(app_page, "installed", lambda share=None: False)
    assert templates() == ("isoko", "isoko")


def test_the_app_page_counts_as_built_only_with_its_script_and_stylesheet(tmp_path):
    static = app_page.static_dir(tmp_path)
    static.mkdir(parents=True)
    (static / app_page.SCRIPT).write_text("/* built */")
    assert not app_page.installed(tmp_path)
    (static / app_page.STYLESHEET).write_text("/* built */")
    assert app_page.installed(tmp_path)


def test_this_environment_has_it_built():
    """make install builds it (esbuild from npm): the tests run against the light page."""
    assert app_page.installed(), f"not built into {app_page.static_dir()}"
