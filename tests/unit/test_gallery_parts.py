"""The gallery's parts without a server: its size from the machine, the cap's count,
stopping kernels whose page has gone, its pages, its folder and its hub service."""

from __future__ import annotations

import asyncio
import datetime
import json
import re
from pathlib import Path

import pytest

from isoko.gallery import pages, sizing
from isoko.gallery.folder import apps_dir, jupyter_dir, pictures_dir, write_gallery
from isoko.gallery.kernels import ABANDONED_AFTER_SECONDS, KernelCap
from isoko.hub.gallery import gallery_service
from isoko.platform.settings import Settings
from isoko.sims.registry import catalog, find
from support.aio import run_alone

REPO = Path(__file__).resolve().parents[2]
NOW = datetime.datetime(2026, 12, 3, 9, 0, tzinfo=datetime.UTC)


def test_the_reference_machine_gets_one_warm_kernel_per_app_and_16_at_once():
    # 2 cores, 24 GiB, 6 apps in 2 languages.
    size = sizing.size_for(24 * 1024, 2, 12)
    assert size == sizing.GallerySize(preheated_per_app=1, max_kernels=16)


def test_a_small_machine_keeps_no_warm_kernels_rather_than_run_out_of_memory():
    # 1 GiB: a quarter is 3 kernels of 80 MiB; 12 warm ones would not fit.
    size = sizing.size_for(1024, 1, 12)
    assert size.preheated_per_app == 0
    assert size.max_kernels == sizing.MIN_KERNELS


def test_a_big_machine_gets_more_and_the_operator_has_the_last_word():
    assert sizing.size_for(64 * 1024, 16, 12) == sizing.GallerySize(2, 128)
    assert sizing.size_for(64 * 1024, 16, 12, preheated_per_app=0, max_kernels=5) == (
        sizing.GallerySize(0, 5)
    )


class FakeKernel:
    def __init__(self, last_activity: datetime.datetime) -> None:
        self.last_activity = last_activity


class FakeKernelManager:
    """The parts of Voilà's kernel manager the cap reads: kernels, pools, connections."""

    def __init__(self, kernels: dict[str, datetime.datetime], pooled: list[str]) -> None:
        self.kernels = {kid: FakeKernel(when) for kid, when in kernels.items()}
        self._kernel_connections = {kid: 0 for kid in kernels}
        loop = asyncio.new_event_loop()
        futures = []
        for kid in pooled:
            future = loop.create_future()
            future.set_result({"kernel_id": kid})
            futures.append(future)
        pending = loop.create_future()  # a pool kernel still starting
        loop.close()  # the futures are only read
        self._pools = {"en/app.ipynb": [*futures, pending]}
        self.stopped: list[str] = []

    def list_kernel_ids(self) -> list[str]:
        return list(self.kernels)

    def get_kernel(self, kid: str) -> FakeKernel:
        return self.kernels[kid]

    async def shutdown_kernel(self, kid: str) -> None:
        self.stopped.append(kid)
        del self.kernels[kid]


def test_the_cap_counts_visitors_kernels_and_pages_being_served_not_the_pool():
    manager = FakeKernelManager({"warm": NOW, "a": NOW, "b": NOW}, pooled=["warm"])
    cap = KernelCap(manager, max_kernels=3)
    assert cap.visitor_kernel_ids() == {"a", "b"}
    assert cap.admit()  # a third visitor: their page is being served
    assert not cap.admit()  # a fourth: busy
    cap.served()
    del manager.kernels["a"]  # a page closed
    assert cap.admit()


def test_kernels_with_no_page_for_a_minute_are_stopped_and_no_others():
    old = NOW - datetime.timedelta(seconds=ABANDONED_AFTER_SECONDS + 5)
    recent = NOW - datetime.timedelta(seconds=5)
    manager = FakeKernelManager(
        {"warm": old, "gone": old, "open": old, "just-served": recent}, pooled=["warm"]
    )
    manager._kernel_connections["open"] = 1
    stopped = run_alone(KernelCap(manager, 10).stop_abandoned(NOW))
    assert stopped == ["gone"]
    assert set(manager.kernels) == {"warm", "open", "just-served"}


@pytest.fixture(scope="module")
def folder(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("gallery")
    entries = [find("price-and-profit"), find("storefront-and-ads")]
    write_gallery(folder, ["en", "fr"], Path("/opt/python/bin/python"), entries)
    return folder


def test_the_folder_has_an_app_and_a_picture_per_simulator_and_language(folder):
    for language in ("en", "fr"):
        for app in ("price-and-profit", "storefront-and-ads"):
            notebook = json.loads((apps_dir(folder) / language / f"{app}.ipynb").read_text())
            assert f"(language={language!r})" in "".join(notebook["cells"][1]["source"])
            assert (pictures_dir(folder) / language / f"{app}.html").read_text().strip()
    french = json.loads((apps_dir(folder) / "fr" / "price-and-profit.ipynb").read_text())
    assert french["metadata"]["title"] == "Prix et bénéfice"
    switch = "".join(french["cells"][0]["source"])
    assert "[English](../en/price-and-profit)" in switch and "**Français**" in switch
    assert "<svg" in (pictures_dir(folder) / "fr" / "price-and-profit.html").read_text()
    spec = json.loads((jupyter_dir(folder) / "kernels" / "python3" / "kernel.json").read_text())
    assert "--unshare-net" in spec["argv"] and spec["argv"][-4:-2] == ["-m", "ipykernel_launcher"]
    assert spec["argv"][spec["argv"].index("--") + 1] == "/opt/python/bin/python"


def test_writing_again_drops_a_simulator_no_longer_listed(folder, tmp_path):
    write_gallery(tmp_path, ["en"], Path("/usr/bin/python3"), [find("air-or-sea")])
    write_gallery(tmp_path, ["en"], Path("/usr/bin/python3"), [find("stock-and-reorder")])
    assert [p.name for p in (apps_dir(tmp_path) / "en").iterdir()] == ["stock-and-reorder.ipynb"]


def test_the_index_lists_every_simulator_with_its_question_and_one_link(folder):
    page = pages.index_page("/services/gallery/", "fr", ["en", "fr"], catalog(), folder)
    assert '<html lang="fr">' in page and "Les simulateurs d&#x27;Isoko" in page
    for entry in catalog():
        assert f'href="/services/gallery/fr/{entry.id}"' in page
    assert "Quel prix maximise mon bénéfice" in page
    # Under each question, the learner's task with the app, in the visitor's language.
    question = page.index("Quel prix maximise mon bénéfice")
    task = page.index("<b>Votre tâche :</b> Trouvez de combien le meilleur prix change")
    assert question < task < page.index('href="/services/gallery/fr/price-and-profit"')
    assert page.count('class="isoko-task"') == len(catalog())
    # Each card also leads to its app in the other language.
    assert '<a href="/services/gallery/en/air-or-sea" hreflang="en">English</a>' in page
    assert '<a href="/services/gallery/" hreflang="en">English</a>' in page
    # One request, nothing from elsewhere: no script, no link to another origin.
    assert "<script" not in page and not re.search(r'(src|href)="(https?:)?//', page)


def test_the_busy_page_says_try_again_in_the_visitors_language():
    page = pages.busy_page("/services/gallery/", "fr", ["en", "fr"], "fr/air-or-sea")
    assert "data-isoko-busy" in page and "Réessayez dans une minute" in page
    assert 'href="/services/gallery/fr/air-or-sea"' in page
    assert 'href="/services/gallery/en/air-or-sea"' in page  # the same app, in English


def test_the_hub_starts_the_gallery_as_its_account_in_its_sandbox_below_learners(tmp_path):
    s = Settings.from_environ(
        checkout=REPO,
        environ={"ISOKO_STATE_DIR": str(tmp_path), "ISOKO_SYSTEM_DIR": "/srv/x"},
        as_root=True,
    )
    service = gallery_service(s)
    assert service["user"] == "isoko-gallery"
    assert service["url"] == "http://127.0.0.1:8100"
    command = service["command"]
    assert command[:3] == ["/usr/bin/nice", "-n", "10"]
    assert command[3] == "/usr/bin/bwrap" and "--unshare-pid" in command
    assert command[command.index("/srv/x/gallery") - 1 : command.index("/srv/x/gallery") + 2] == [
        "--ro-bind",
        "/srv/x/gallery",
        "/srv/x/gallery",
    ]
    # Nothing private is bound into its sandbox.
    for private in ("/srv/x/homes", "/srv/x/exchange", str(tmp_path), str(REPO)):
        assert private not in command
    assert "--port=8100" in command


def test_the_login_page_points_visitors_to_the_gallery_only_when_it_runs(tmp_path):
    from traitlets.config import Config

    from isoko.hub.config import update_course_pages

    def login_link(**environ: str) -> str:
        s = Settings.from_environ(
            checkout=REPO, environ={"ISOKO_STATE_DIR": str(tmp_path), **environ}, as_root=False
        )
        c = Config()
        update_course_pages(c, s, [])
        return c.JupyterHub.template_vars["isoko_gallery_url"]

    assert login_link() == "/services/gallery/"
    assert login_link(ISOKO_GALLERY="0") == ""
    assert login_link(ISOKO_DEPLOYMENT="compose", ISOKO_LEARNER_IMAGE="x/learner:1") == ""


def test_the_app_page_says_its_language_and_holds_the_chart_until_the_app_is_drawn(folder):
    preview = pages.preview(folder, "fr", find("price-and-profit"))
    assert "<h2" in preview and "Prix et bénéfice" in preview and "<svg" in preview
    edits = pages.app_page_edits("fr", preview)
    # Voilà streams its page in chunks: each edit is made once, in whichever chunk has it.
    first, edits = pages.edit_once('<html lang="en">\n<head>', edits)
    second, edits = pages.edit_once('<body><div id="loading" style="display: flex;">', edits)
    third, edits = pages.edit_once('<div id="loading" style="display: flex;">', edits)
    assert first.startswith('<html lang="fr" ')
    # What the page's script says, in the page's language, if the app cannot start.
    assert 'data-isoko-failed="Ce simulateur n&#x27;a pas pu démarrer.' in first
    assert second.count("isoko-preview") >= 1 and "Prix et bénéfice" in second
    assert third == '<div id="loading" style="display: flex;">' and edits == []
