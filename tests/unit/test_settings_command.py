"""``isoko settings`` shows what is in effect; a bad isoko.yaml stops ``isoko hub`` first."""

from __future__ import annotations

from pathlib import Path

from isoko import cli

REPO = Path(__file__).resolve().parents[2]


def run(monkeypatch, state: Path, *argv: str, checkout: Path = REPO, **env: str) -> int:
    monkeypatch.setenv("ISOKO_STATE_DIR", str(state))
    monkeypatch.setenv("ISOKO_SYSTEM_DIR", str(state / "system"))
    for name in ("ISOKO_PORT", "ISOKO_CHECKOUT"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return cli.main([*argv, "--checkout", str(checkout)])


def row(out: str, key: str) -> list[str]:
    [line] = [line for line in out.splitlines() if line.startswith(key + " ")]
    return line.split()


def test_settings_shows_each_value_and_where_it_came_from(tmp_path, monkeypatch, capsys):
    (tmp_path / "isoko.yaml").write_text("network:\n  port: 8300\npassword:\n  min_length: 12\n")
    (tmp_path / "jupyterhub_config.d").mkdir()
    (tmp_path / "jupyterhub_config.d" / "10-announce.py").write_text("c.JupyterHub.x = 1\n")
    assert run(monkeypatch, tmp_path, "settings", ISOKO_PORT="8400") == 0
    out = capsys.readouterr().out
    assert out.startswith(f"Settings file: {tmp_path / 'isoko.yaml'}\n")
    assert row(out, "network.port") == ["network.port", "8400", "ISOKO_PORT", "ISOKO_PORT"]
    assert row(out, "password.min_length") == [
        "password.min_length",
        "12",
        "isoko.yaml",
        "line",
        "4",
    ]
    assert row(out, "idle.timeout") == ["idle.timeout", "3600", "default"]
    assert str(tmp_path / "jupyterhub_config.d" / "10-announce.py") in out


def test_settings_with_a_bad_file_says_what_and_fails(tmp_path, monkeypatch, capsys):
    (tmp_path / "isoko.yaml").write_text("idle:\n  timeout: soon\n")
    assert run(monkeypatch, tmp_path, "settings") == 1
    err = capsys.readouterr().err
    assert err.startswith(f"isoko settings: {tmp_path / 'isoko.yaml'} line 2: idle.timeout: ")


def test_a_bad_file_stops_the_hub_before_anything_is_made(tmp_path, monkeypatch, capsys):
    # A checkout with the courses but no proxy: were the file not checked first, the
    # start would stop later, on the missing proxy, without touching this checkout.
    checkout = tmp_path / "checkout"
    checkout.mkdir()
    (checkout / "courses").symlink_to(REPO / "courses")
    state = tmp_path / "state"
    state.mkdir()
    (state / "isoko.yaml").write_text("courses:\n  enabled: [pricing, accounting]\n")
    assert run(monkeypatch, state, "hub", "--prepare-only", checkout=checkout) == 1
    captured = capsys.readouterr()
    assert "Preparing" not in captured.out
    assert captured.err.startswith(
        f"isoko hub: {state / 'isoko.yaml'} line 2: courses.enabled: no course 'accounting'"
    )
    # No secret, database or account file was written.
    assert [p.name for p in state.iterdir()] == ["isoko.yaml"]


def test_every_command_reports_a_bad_file_without_a_traceback(tmp_path, monkeypatch, capsys):
    (tmp_path / "isoko.yaml").write_text("learners:\n  kernels: many\n")
    assert run(monkeypatch, tmp_path, "roster", "export", "pricing") == 1
    err = capsys.readouterr().err
    assert err.startswith(f"isoko roster: {tmp_path / 'isoko.yaml'} line 2: learners.kernels: ")
