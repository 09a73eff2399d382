from pathlib import Path

import pytest

from isoko.names import learner_account_name, unix_account_name
from isoko.platform.settings import Settings


def test_defaults_as_root_use_system_locations(tmp_path):
    s = Settings.from_environ(checkout=tmp_path, environ={}, as_root=True)
    assert s.state_dir == tmp_path / ".isoko"
    assert s.system_dir == Path("/srv/isoko")
    assert s.port == 8000


def test_defaults_without_root_stay_in_the_state_dir(tmp_path):
    s = Settings.from_environ(checkout=tmp_path, environ={}, as_root=False)
    assert s.system_dir == tmp_path / ".isoko" / "system"


def test_one_variable_moves_the_state_dir(tmp_path):
    s = Settings.from_environ(checkout=tmp_path, environ={"ISOKO_STATE_DIR": "/var/x"})
    assert s.state_dir == Path("/var/x")
    assert s.demo_accounts_file == Path("/var/x/demo-accounts.json")


@pytest.mark.parametrize("port", ["eighty", "0", "70000"])
def test_a_bad_port_gets_a_clear_message(tmp_path, port):
    with pytest.raises(ValueError, match="ISOKO_PORT"):
        Settings.from_environ(checkout=tmp_path, environ={"ISOKO_PORT": port})


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("ISOKO_LEARNER_MEMORY_MB", "lots"),
        ("ISOKO_LEARNER_PROCESSES", "-1"),
        ("ISOKO_LEARNER_KERNELS", "2.5"),
        ("ISOKO_LEARNER_NICE", "20"),
    ],
)
def test_a_bad_learner_limit_gets_a_clear_message(tmp_path, name, value):
    with pytest.raises(ValueError, match=name):
        Settings.from_environ(checkout=tmp_path, environ={name: value})


def test_settings_survive_the_trip_to_the_hub_process(tmp_path):
    s = Settings.from_environ(
        checkout=tmp_path,
        environ={"ISOKO_PORT": "8200", "ISOKO_LEARNER_KERNELS": "2"},
        as_root=False,
    )
    again = Settings.from_environ(environ=s.to_environ(), as_root=False)
    assert again == s


def test_unix_names_are_prefixed_and_checked():
    assert unix_account_name("isoko-", "amina") == "isoko-amina"
    for bad in ["", "a/b", "Amina", "a b"]:
        with pytest.raises(ValueError):
            unix_account_name("isoko-", bad)
    with pytest.raises(ValueError, match="longer than 32"):
        unix_account_name("isoko-", "x" * 30)


def test_a_learner_never_gets_a_grader_or_the_sandbox_account():
    s = Settings.from_environ(checkout=Path("/x"), environ={}, as_root=True)
    assert learner_account_name("isoko-", "amina") == "isoko-amina"
    for reserved in ("grader-pricing", "sandbox"):
        with pytest.raises(ValueError, match="reserved"):
            learner_account_name("isoko-", reserved)
    assert s.sandbox_unix_name == "isoko-sandbox"
    assert s.sandbox_account == "isoko-sandbox"
    assert (
        Settings.from_environ(checkout=Path("/x"), environ={}, as_root=False).sandbox_account == ""
    )


def test_https_comes_from_a_certificate_or_a_proxy_setting(tmp_path):
    plain = Settings.from_environ(checkout=tmp_path, environ={}, as_root=False)
    assert not plain.served_over_https
    tls = Settings.from_environ(
        checkout=tmp_path,
        environ={"ISOKO_SSL_CERT": "cert.pem", "ISOKO_SSL_KEY": "key.pem"},
        as_root=False,
    )
    assert tls.served_over_https and tls.ssl_cert.name == "cert.pem"
    proxied = Settings.from_environ(
        checkout=tmp_path, environ={"ISOKO_BEHIND_HTTPS_PROXY": "1"}, as_root=False
    )
    assert proxied.served_over_https and proxied.ssl_cert is None


def test_https_settings_are_checked_and_survive_the_trip(tmp_path):
    with pytest.raises(ValueError, match="ISOKO_SSL_KEY"):
        Settings.from_environ(checkout=tmp_path, environ={"ISOKO_SSL_CERT": "c"}, as_root=False)
    with pytest.raises(ValueError, match="ISOKO_BEHIND_HTTPS_PROXY"):
        Settings.from_environ(
            checkout=tmp_path, environ={"ISOKO_BEHIND_HTTPS_PROXY": "maybe"}, as_root=False
        )
    s = Settings.from_environ(
        checkout=tmp_path,
        environ={"ISOKO_SSL_CERT": "c", "ISOKO_SSL_KEY": "k", "ISOKO_BEHIND_HTTPS_PROXY": "1"},
        as_root=False,
    )
    assert Settings.from_environ(environ=s.to_environ(), as_root=False) == s
