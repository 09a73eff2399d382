"""What learner servers and grader services are told, read back as Jupyter reads it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from traitlets.config.loader import PyFileConfigLoader

from isoko.hub import server_config
from isoko.platform.settings import Settings

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def settings(tmp_path) -> Settings:
    s = Settings.from_environ(
        checkout=REPO, environ={"ISOKO_SYSTEM_DIR": str(tmp_path / "system")}, as_root=True
    )
    server_config.write_server_configs(s)
    return s


def load_py(path: Path, environ: dict[str, str], monkeypatch):
    for key, value in environ.items():
        monkeypatch.setenv(key, value)
    return PyFileConfigLoader(path.name, str(path.parent)).load_config()


def test_learners_have_no_formgrader(settings):
    config = json.loads((settings.learner_config_dir / "jupyter_server_config.json").read_text())
    extensions = config["ServerApp"]["jpserver_extensions"]
    assert extensions["nbgrader.server_extensions.formgrader"] is False
    page = json.loads((settings.learner_config_dir / "labconfig" / "page_config.json").read_text())
    assert page["disabledExtensions"]["@jupyter/nbgrader:formgrader"] is True


def test_learners_have_their_course_page(settings):
    config = json.loads((settings.learner_config_dir / "jupyter_server_config.json").read_text())
    assert config["ServerApp"]["jpserver_extensions"]["isoko.learner"] is True


def test_lab_pages_ask_for_no_build_check(settings):
    # Each check would run Node.js on the server; nobody but root can build anyway.
    for folder in (settings.learner_config_dir, settings.grader_config_dir):
        page = json.loads((folder / "labconfig" / "page_config.json").read_text())
        assert page["buildCheck"] is False and page["buildAvailable"] is False


def test_kernels_left_by_closed_apps_are_stopped(settings):
    config = json.loads((settings.learner_config_dir / "jupyter_server_config.json").read_text())
    culling = config["MappingKernelManager"]
    assert culling["cull_idle_timeout"] > 0 and culling["cull_connected"] is False


def test_kernels_and_apps_are_capped_per_learner(settings):
    config = json.loads((settings.learner_config_dir / "jupyter_server_config.json").read_text())
    assert config["ServerApp"]["kernel_manager_class"] == "isoko.hub.kernels.CappedKernelManager"
    assert config["CappedKernelManager"]["max_kernels"] == 4


def test_learners_submit_under_their_hub_name(settings, monkeypatch):
    path = settings.learner_config_dir / "nbgrader_config.py"
    config = load_py(path, {"JUPYTERHUB_USER": "amina"}, monkeypatch)
    assert config.CourseDirectory.student_id == "amina"
    assert config.Exchange.root == str(settings.exchange_dir)
    assert config.Exchange.path_includes_course is True


def test_the_formgrader_can_be_framed_by_its_own_lab(settings):
    config = json.loads((settings.grader_config_dir / "jupyter_server_config.json").read_text())
    headers = config["ServerApp"]["tornado_settings"]["headers"]
    assert headers["Content-Security-Policy"] == "frame-ancestors 'self'"


def test_grader_services_enrol_through_the_hub(settings):
    config = json.loads((settings.grader_config_dir / "jupyter_server_config.json").read_text())
    extensions = config["ServerApp"]["jpserver_extensions"]
    assert extensions["isoko.courses.formgrader_enrolment"] is True
    learner = json.loads((settings.learner_config_dir / "jupyter_server_config.json").read_text())
    assert "isoko.courses.formgrader_enrolment" not in learner["ServerApp"]["jpserver_extensions"]
    assert "isoko.courses.formgrader_remove" not in learner["ServerApp"]["jpserver_extensions"]


def test_the_formgraders_pages_get_their_strict_policy(settings):
    config = json.loads((settings.grader_config_dir / "jupyter_server_config.json").read_text())
    extensions = config["ServerApp"]["jpserver_extensions"]
    assert extensions == {
        "isoko.courses.formgrader_enrolment": True,
        "isoko.courses.formgrader_csp": True,
        "isoko.courses.formgrader_remove": True,
        "isoko.courses.formgrader_grades": True,
        "isoko.courses.formgrader_autograde": True,
    }


def test_graders_render_learner_notebooks_without_their_scripts(settings, monkeypatch):
    config = load_py(settings.grader_config_dir / "nbgrader_config.py", {}, monkeypatch)
    assert config.HTMLExporter.sanitize_html is True
    assert config.HTMLExporter.preprocessors == ["isoko.courses.learner_html.LearnerOutputs"]
    learner = load_py(settings.learner_config_dir / "nbgrader_config.py", {}, monkeypatch)
    assert "HTMLExporter" not in learner


def test_graders_answer_for_their_own_course(settings, monkeypatch):
    config = load_py(settings.grader_config_dir / "nbgrader_config.py", {}, monkeypatch)
    assert config.Authenticator.plugin_class.endswith("GraderServiceAuthPlugin")
    assert not config.CourseDirectory.get("student_id")


def test_everything_written_is_readable_by_learner_accounts(settings):
    for path in settings.system_dir.rglob("*"):
        assert path.stat().st_mode & 0o004, f"{path} is not world-readable"


def test_every_exchange_step_is_isokos_hardened_one(settings, monkeypatch):
    from nbgrader.exchange import ExchangeFactory

    from isoko.courses import exchange

    for side in (settings.learner_config_dir, settings.grader_config_dir):
        config = load_py(side / "nbgrader_config.py", {"JUPYTERHUB_USER": "amina"}, monkeypatch)
        factory = ExchangeFactory(config=config)
        for step in ("fetch_assignment", "fetch_feedback", "release_assignment"):
            assert getattr(factory, step).__module__ == exchange.__name__, step
        for step in ("release_feedback", "list", "submit", "collect", "exchange"):
            assert getattr(factory, step).__module__ == exchange.__name__, step


def test_graders_know_which_account_each_learner_runs_as(settings, monkeypatch):
    config = load_py(settings.grader_config_dir / "nbgrader_config.py", {}, monkeypatch)
    assert config.ExchangeCollect.learner_unix_prefix == settings.unix_prefix
    learner = load_py(settings.learner_config_dir / "nbgrader_config.py", {}, monkeypatch)
    assert "learner_unix_prefix" not in learner.ExchangeCollect


def test_a_trial_grader_expects_its_own_account(tmp_path, monkeypatch):
    s = Settings.from_environ(
        checkout=REPO, environ={"ISOKO_SYSTEM_DIR": str(tmp_path / "system")}, as_root=False
    )
    server_config.write_server_configs(s)
    config = load_py(s.grader_config_dir / "nbgrader_config.py", {}, monkeypatch)
    assert "learner_unix_prefix" not in config.ExchangeCollect


def test_grader_terminals_keep_the_services_path(settings):
    # A login shell would read /etc/profile and lose the environment's nbgrader.
    config = json.loads((settings.grader_config_dir / "jupyter_server_config.json").read_text())
    assert config["ServerApp"]["terminado_settings"] == {"shell_command": ["/bin/bash"]}


def test_grader_services_serve_light_voila_pages_without_a_cdn(settings, monkeypatch):
    # Read as a grader server reads its config folder: the .py, then the .json over it.
    from traitlets.config.loader import JSONFileConfigLoader

    folder = settings.grader_config_dir
    config = load_py(
        folder / "jupyter_server_config.py",
        {"JUPYTERHUB_SERVICE_PREFIX": "/services/pricing/"},
        monkeypatch,
    )
    config.merge(JSONFileConfigLoader("jupyter_server_config.json", str(folder)).load_config())
    tornado = config.ServerApp.tornado_settings
    assert "mathjax_url" in tornado and tornado["mathjax_url"] is None
    assert tornado["compress_response"] is True
    assert tornado["headers"] == server_config.GRADER_HEADERS
    assert config.VoilaConfiguration.template == server_config.VOILA_TEMPLATE


def test_learners_load_isokos_assignment_list_before_nbgraders(settings):
    config = json.loads((settings.learner_config_dir / "jupyter_server_config.json").read_text())
    extensions = config["ServerApp"]["jpserver_extensions"]
    assert extensions["isoko.courses.assignment_list"] is True
    assert extensions["isoko.hub.learner_lab"] is True
    # Jupyter Server loads extensions in name order, and the first handler for a URL
    # wins: Isoko's course list and feedback fetch must load before nbgrader's.
    assert "isoko.courses.assignment_list" < "nbgrader.server_extensions.assignment_list"
    grader = json.loads((settings.grader_config_dir / "jupyter_server_config.json").read_text())
    assert "isoko.hub.learner_lab" not in grader["ServerApp"]["jpserver_extensions"]
