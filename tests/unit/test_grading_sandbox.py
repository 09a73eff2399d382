"""The grading sandbox's parts: what goes in, what comes back, the command, the config.

The real sandbox is run in ``tests/integration/test_grading_sandbox_runs.py``.
"""

from __future__ import annotations

import io
import os
import tarfile

import nbformat
import pytest
from traitlets.config import Config

from isoko.grading import runner
from isoko.grading.config import grading_config
from isoko.grading.execute import (
    SANDBOXED,
    SandboxedExecute,
    merge_outputs,
    sandboxed_autograde_preprocessors,
)
from isoko.grading.sandbox import (
    BWRAP,
    FILES_PREFIX,
    NOTEBOOK_MEMBER,
    Limits,
    SandboxError,
    pack_input,
    parse_reply,
    sandbox_command,
    sudoers_rule,
)


def notebook(*sources: str, markdown: str = "# A title") -> nbformat.NotebookNode:
    nb = nbformat.v4.new_notebook(
        cells=[nbformat.v4.new_markdown_cell(markdown)]
        + [nbformat.v4.new_code_cell(source) for source in sources]
    )
    nb.metadata.kernelspec = {"name": "python3", "display_name": "Python 3", "language": "python"}
    return nb


def stream(text: str) -> dict:
    return {"output_type": "stream", "name": "stdout", "text": text}


# --- what comes back -------------------------------------------------------------


def test_only_outputs_come_back_never_sources_or_metadata():
    nb = notebook("answer = 42", "assert answer == 42")
    nb.cells[2].metadata["nbgrader"] = {"grade": True, "points": 2, "grade_id": "t1"}
    reply = {
        "cells": [
            None,
            {"outputs": [stream("hi\n")], "execution_count": 1, "source": "changed"},
            {"outputs": [], "execution_count": 2, "metadata": {"nbgrader": {"points": 99}}},
        ],
        "error": None,
    }
    assert merge_outputs(nb, reply) is None
    assert nb.cells[1].source == "answer = 42"
    assert nb.cells[1].outputs[0]["text"] == "hi\n"
    assert nb.cells[2].metadata["nbgrader"]["points"] == 2
    assert nb.cells[2].execution_count == 2


def test_cells_that_did_not_run_fail_with_the_reason():
    nb = notebook("x = 1", "assert x == 1")
    reply = {"cells": [None, {"outputs": [], "execution_count": 1}, None], "error": "too slow"}
    assert merge_outputs(nb, reply) == "too slow"
    (error,) = nb.cells[2].outputs
    assert error["output_type"] == "error" and error["evalue"] == "too slow"


def test_a_reply_of_another_shape_runs_nothing():
    nb = notebook("x = 1", "assert x == 1")
    reply = {"cells": [None, {"outputs": [], "execution_count": 1}], "error": None}
    assert "another shape" in merge_outputs(nb, reply)
    assert all(c.outputs[0]["output_type"] == "error" for c in nb.cells[1:])


def test_malformed_outputs_are_refused():
    nb = notebook("x = 1")
    reply = {"cells": [None, {"outputs": [{"output_type": "nonsense"}]}], "error": None}
    merge_outputs(nb, reply)
    assert nb.cells[1].outputs[0]["ename"] == "GradingSandboxError"


def test_a_reply_that_is_not_json_is_a_clear_error_without_the_learners_text():
    with pytest.raises(SandboxError) as caught:
        parse_reply(b"not json", b"hidden test source printed by the learner", 137)
    assert "exit code 137" in str(caught.value)
    assert "hidden test" not in str(caught.value)
    assert "hidden test" in caught.value.detail


# --- what goes in ------------------------------------------------------------------


def test_no_notebook_goes_into_the_sandbox_only_the_data(tmp_path):
    (tmp_path / "answers.ipynb").write_text("{}")
    (tmp_path / "other-part.ipynb").write_text("{}")
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "orders.csv").write_text("a,b\n1,2\n")
    (tmp_path / "link.csv").symlink_to("/etc/passwd")
    payload = pack_input(notebook("1"), tmp_path, Limits())
    with tarfile.open(fileobj=io.BytesIO(payload)) as tar:
        names = tar.getnames()
    assert NOTEBOOK_MEMBER in names
    assert f"{FILES_PREFIX}data/orders.csv" in names
    assert not [n for n in names if n.endswith(".ipynb") and n != NOTEBOOK_MEMBER]
    assert f"{FILES_PREFIX}link.csv" not in names


def test_files_too_heavy_are_refused(tmp_path):
    (tmp_path / "big.bin").write_bytes(b"x" * 2048)
    with pytest.raises(SandboxError, match="weigh more"):
        pack_input(notebook("1"), tmp_path, Limits(input_bytes=1024))


def test_the_runner_refuses_paths_that_leave_its_folder(tmp_path):
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w") as tar:
        data = b"x"
        for name in (NOTEBOOK_MEMBER, f"{FILES_PREFIX}../escape.txt"):
            info = tarfile.TarInfo(name)
            info.size = len(data) if name != NOTEBOOK_MEMBER else 2
            tar.addfile(info, io.BytesIO(b"{}" if name == NOTEBOOK_MEMBER else data))
    buffer.seek(0)
    with pytest.raises(ValueError, match="refusing"):
        runner.unpack_input(buffer, tmp_path / "work")
    assert not (tmp_path / "escape.txt").exists()


# --- the command and the configuration -------------------------------------------


def test_the_command_cuts_off_network_and_environment():
    command = sandbox_command(Limits(), account="isoko-sandbox")
    assert command[:5] == ["/usr/bin/sudo", "--non-interactive", "--user", "isoko-sandbox", "--"]
    for flag in ("--unshare-all", "--unshare-user", "--disable-userns", "--clearenv"):
        assert flag in command
    assert "--die-with-parent" in command and "--new-session" in command
    # Only system folders and the Python environment are mounted, read-only.
    binds = [command[i + 1] for i, arg in enumerate(command) if arg == "--bind"]
    assert binds == []


@pytest.mark.skipif(os.geteuid() != 0, reason="only root can be refused as root")
def test_grading_as_root_without_an_account_is_refused():
    with pytest.raises(SandboxError, match="as root"):
        sandbox_command(Limits(), account=None)


def test_the_sudo_rule_allows_only_bubblewrap_as_the_sandbox():
    rule = sudoers_rule(["isoko-grader-pricing", "isoko-grader-logistics"], "isoko-sandbox")
    line = rule.strip().splitlines()[-1]
    assert line == (
        f"isoko-grader-pricing,isoko-grader-logistics ALL=(isoko-sandbox) NOPASSWD: {BWRAP}"
    )


def test_autograde_swaps_the_execution_step_and_reads_for_tampering_after_the_scores():
    from nbgrader.converters import Autograde

    stock = Autograde.class_traits()["autograde_preprocessors"].default()
    ours = sandboxed_autograde_preprocessors()
    assert ours[0] == SANDBOXED and stock[0].__name__ == "Execute"
    after = ours.index("isoko.grading.tampering.ZeroTamperedTests")
    assert ours[after - 1].endswith(".SaveAutoGrades")
    rest = ours[1:after] + ours[after + 1 :]
    assert [p.__name__ for p in stock[1:]] == [name.rsplit(".", 1)[1] for name in rest]


def test_the_config_lines_set_the_sandbox_its_account_and_the_feedback():
    c = Config()
    exec(grading_config("isoko-sandbox"), {"c": c, "get_config": lambda: c})
    assert c.Autograde.autograde_preprocessors[0] == SANDBOXED
    assert c.SandboxedExecute.sandbox_account == "isoko-sandbox"
    assert c.GenerateFeedback.preprocessors[-1] == "isoko.grading.feedback.HideHiddenTests"
    assert c.GenerateFeedback.exporter_class == "isoko.learner.feedback.FeedbackPageExporter"


def test_the_cell_timeout_follows_nbgraders_own_setting():
    c = Config()
    c.ExecutePreprocessor.timeout = 12
    assert SandboxedExecute(config=c).limits().cell_timeout_seconds == 12
