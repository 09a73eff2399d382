"""The public gallery on the real hub, as ``make hub`` starts it (as root).

A visitor with no account opens the index and the apps in English and French; the
gallery runs as its own account in a sandbox that holds nothing private, its kernels
have no network, its sources are not downloadable, and past its cap a visitor gets the
busy page while the hub keeps answering.
"""

from __future__ import annotations

import contextlib
import pwd
import re
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from isoko.platform.settings import Settings
from isoko.sims.registry import catalog
from support.hub import REPO, Hub, processes_run_by, running_hub
from support.kernels import Kernel

pytestmark = pytest.mark.integration

#: Visitors' kernels the test's gallery allows at once.
CAP = 3
GALLERY = "/services/gallery/"


@pytest.fixture(scope="module")
def gallery_hub(artifacts_dir) -> Iterator[Hub]:
    def with_gallery(hub: Hub) -> None:
        hub.gallery = True
        hub.gallery_preheated_per_app = 1
        hub.gallery_max_kernels = CAP

    with running_hub(artifacts_dir, "gallery-", before_start=with_gallery) as hub:
        wait_for_gallery(hub)
        yield hub


def wait_for_gallery(hub: Hub, timeout: float = 180) -> None:
    """The hub starts its services after it answers; the gallery then fills its pools."""
    import time

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if requests.get(hub.url + GALLERY, timeout=5).ok and len(kernels_of(hub)) >= 12:
                return
        except requests.RequestException:
            pass
        time.sleep(1)
    raise AssertionError(f"the gallery did not come up:\n{hub.log_tail()}")


def settings_of(hub: Hub) -> Settings:
    return Settings.from_environ(checkout=REPO, environ=hub.environ(), as_root=True)


def processes_of(account: str, marker: str) -> list[int]:
    """The processes themselves, not the bubblewrap that started them."""
    return [
        pid
        for pid, command in processes_run_by(account, marker)
        if not command.startswith("/usr/bin/bwrap ")
    ]


def server_of(hub: Hub) -> int:
    pids = processes_of(settings_of(hub).gallery_unix_name, "-m isoko.gallery")
    assert len(pids) == 1, pids
    return pids[0]


def kernels_of(hub: Hub) -> list[int]:
    try:
        return processes_of(settings_of(hub).gallery_unix_name, "ipykernel_launcher")
    except KeyError:  # the account is made at start
        return []


def test_anyone_opens_the_index_and_every_app_in_english_and_french(gallery_hub):
    visitor = requests.Session()  # no account, no cookie
    index = visitor.get(gallery_hub.url + GALLERY, timeout=30)
    assert index.status_code == 200 and "/hub/login" not in index.url
    for entry in catalog():
        assert entry.title in index.text
        assert f'href="{GALLERY}en/{entry.id}"' in index.text
    # The hub's login page shows a visitor the way.
    login = visitor.get(gallery_hub.url + "/hub/login", timeout=30).text
    assert f'<a href="{GALLERY}">Try the' in login
    french = visitor.get(gallery_hub.url + GALLERY + "fr/", timeout=30)
    assert 'lang="fr"' in french.text and "Avion ou bateau" in french.text
    assert "Ouvrir le simulateur" in french.text
    app = visitor.get(gallery_hub.url + GALLERY + "fr/air-or-sea", timeout=120)
    try:
        assert app.status_code == 200 and "/hub/login" not in app.url
        # Voilà's page names no charset: read it as the UTF-8 it is.
        page = app.content.decode("utf-8")
        assert "<strong>Français</strong>" in page and ">Tous les simulateurs</a>" in page
        assert '<html lang="fr" ' in page
        assert "application/vnd.jupyter.widget-view+json" in page
    finally:
        # Its kernel counts under the cap until closed: a failure here must not fail
        # the cap test too.
        close(gallery_hub, app)


def test_the_sources_are_not_downloadable(gallery_hub):
    base = gallery_hub.url + GALLERY
    reply = requests.get(base + "en/price-and-profit", timeout=120)
    close(gallery_hub, reply)
    page = reply.text
    assert "from isoko.sims" not in page and "PriceProfitSimulator" not in page
    for path in (
        "voila/files/en/price-and-profit.ipynb",
        "voila/render/en/price-and-profit.ipynb",
        "voila/tree",
        "voila/tree/en",
        "voila/api/contents/en",
        "api/contents/en/price-and-profit.ipynb",
        "en/price-and-profit.ipynb",
    ):
        reply = requests.get(base + path, timeout=30)
        assert reply.status_code in (403, 404), (path, reply.status_code)
        assert "PriceProfitSimulator" not in reply.text, path


def test_the_gallery_runs_as_its_own_account_and_sees_nothing_private(gallery_hub):
    s = settings_of(gallery_hub)
    pid = server_of(gallery_hub)
    status = Path(f"/proc/{pid}/status").read_text()
    uid = pwd.getpwnam(s.gallery_unix_name).pw_uid
    assert re.search(rf"^Uid:\s+{uid}\s+{uid}\s+{uid}\s+{uid}$", status, re.M), status
    assert uid != 0
    # What the running gallery sees as its file system: its folder, nothing private.
    root = Path(f"/proc/{pid}/root")
    assert (root / str(s.gallery_dir).lstrip("/") / "apps" / "fr").is_dir()
    private = {
        "learners' homes": s.homes_dir,
        "the exchange": s.exchange_dir,
        "course sources": s.course_sources_dir,
        "graders' folders": s.graders_dir,
        "the hub's state": s.state_dir,
        "the checkout": REPO,
        "root's home": Path("/root"),
    }
    for what, path in private.items():
        assert path.exists(), path  # on the machine...
        assert not (root / str(path).lstrip("/")).exists(), f"the gallery sees {what} ({path})"
    # ...and as that account outside its sandbox, permissions keep it out as well.
    secret = s.cookie_secret_file
    probe = subprocess.run(
        ["runuser", "-u", s.gallery_unix_name, "--", "cat", str(secret)],
        capture_output=True,
        text=True,
    )
    assert probe.returncode != 0 and "Permission denied" in probe.stderr


def test_the_gallery_kernels_have_no_network(gallery_hub):
    kernels = kernels_of(gallery_hub)
    assert kernels, "no gallery kernel is running"
    reach_hub = (
        "import socket; s = socket.socket(); s.settimeout(3); "
        f"s.connect(('127.0.0.1', {gallery_hub.port})); print('connected')"
    )
    # The probe can reach the hub from the machine's network...
    here = subprocess.run(["python3", "-c", reach_hub], capture_output=True, text=True)
    assert "connected" in here.stdout, here.stderr
    for kernel in kernels:
        # ...and not from a kernel's: only a loopback of its own, and nothing listens there.
        interfaces = Path(f"/proc/{kernel}/net/dev").read_text()
        names = {line.split(":")[0].strip() for line in interfaces.splitlines()[2:]}
        assert names == {"lo"}, names
        there = subprocess.run(
            ["nsenter", f"--target={kernel}", "--net", "--", "python3", "-c", reach_hub],
            capture_output=True,
            text=True,
        )
        assert "connected" not in there.stdout
        assert "ConnectionRefused" in there.stderr or "unreachable" in there.stderr, there.stderr


def kernel_id(page: str) -> str:
    found = re.search(r'"kernelId": "([0-9a-f-]{36})"', page) or re.search(
        r"kernel[-_]?[iI]d[\"']?\s*[:=]\s*[\"']([0-9a-f-]{36})", page
    )
    assert found, "no kernel id in the page"
    return found.group(1)


def close(hub: Hub, page: requests.Response) -> None:
    """What Voilà's page does when it unloads: ask the gallery to stop its kernel, with
    the _xsrf cookie's value the page got."""
    xsrf = page.cookies.get("_xsrf")
    assert xsrf, "the app page set no _xsrf cookie: closing it could not stop its kernel"
    reply = requests.post(
        f"{hub.url}{GALLERY}voila/api/shutdown/{kernel_id(page.content.decode())}",
        data={"_xsrf": xsrf},
        cookies={"_xsrf": xsrf},
        timeout=30,
    )
    assert reply.status_code == 204, reply.status_code


def test_past_the_cap_a_visitor_gets_the_busy_page_and_the_hub_still_answers(gallery_hub):
    base = gallery_hub.url + GALLERY
    apps = ["price-and-profit", "air-or-sea", "stock-and-reorder", "livestream-sale"]
    opened = []
    try:
        for app in apps[:CAP]:
            reply = requests.get(base + f"en/{app}", timeout=120)
            assert reply.status_code == 200, (app, reply.status_code)
            opened.append(reply)
        busy = requests.get(base + f"fr/{apps[CAP]}", timeout=60)
        assert busy.status_code == 503
        assert busy.headers.get("Retry-After") == "60"
        assert "data-isoko-busy" in busy.text
        assert "Réessayez dans une minute" in busy.content.decode("utf-8")
        # The hub and its pages answer all the while.
        assert requests.get(gallery_hub.url + "/hub/api/", timeout=10).ok
        assert requests.get(gallery_hub.url + "/hub/login", timeout=10).ok
    finally:
        for page in opened:
            close(gallery_hub, page)
    # The pages closed, their kernels are stopped: the next visitor gets the app.
    again = requests.get(base + f"fr/{apps[CAP]}", timeout=120)
    assert again.status_code == 200
    close(gallery_hub, again)


def test_a_visitor_cannot_run_code_in_a_gallery_kernel(gallery_hub):
    """The page's kernel is reachable by anyone who opens the page: its WebSocket passes
    widget messages, never code to execute."""
    page = requests.get(gallery_hub.url + GALLERY + "en/price-and-profit", timeout=120)
    channels = f"{gallery_hub.url}{GALLERY}api/kernels/{kernel_id(page.content.decode())}/channels"
    kernel = Kernel(channels, origin=gallery_hub.url)
    try:
        # The connection works: an allowed request gets its answer...
        info = kernel.reply_to(kernel.request("kernel_info_request", {}))
        assert info["msg_type"] == "kernel_info_reply"
        # ...but code sent to run never runs.
        owned = "/tmp/visitor-was-here"
        run = kernel.send(f"open({owned!r}, 'w').write('x'); print('ran the code')")
        # An idle kernel runs that at once, if it may; no answer: the message was dropped.
        with contextlib.suppress(TimeoutError):
            kernel.wait(run, timeout=15)
        assert "ran the code" not in run.stdout
        root = Path(f"/proc/{server_of(gallery_hub)}/root")
        assert not (root / owned.lstrip("/")).exists()
    finally:
        kernel.close()
        close(gallery_hub, page)
