"""isoko grade's shortcuts through nbgrader change nothing nbgrader writes or refuses."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import jsonschema
import pytest
from nbformat.v4 import new_code_cell
from nbgrader.api import Gradebook
from nbgrader.nbgraderformat import MetadataValidator

from isoko.grading.nbgrader_speedups import (
    cached_metadata_validators,
    nbgrader_speedups,
    shared_gradebook_engine,
)


@pytest.fixture(autouse=True)
def alembic_on_path(monkeypatch):
    """A new gradebook runs nbgrader's ``alembic``, from this environment."""
    bin_dir = str(Path(sys.executable).parent)
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}")


def test_gradebooks_share_one_engine_and_every_write_lands(tmp_path):
    url = f"sqlite:///{tmp_path / 'gradebook.db'}"
    with shared_gradebook_engine() as engines:
        with Gradebook(url, "pricing") as first:
            first.add_assignment("a01")
            first.add_student("claudine", first_name="Claudine")
        with Gradebook(url, "pricing") as second:
            assert second.engine is first.engine
            second.add_student("jeanpaul")
        assert list(engines) == [url]
    # After the block: a stock gradebook, its own engine, sees everything.
    with Gradebook(url, "pricing") as stock:
        assert stock.engine is not first.engine
        assert {s.id for s in stock.students} == {"claudine", "jeanpaul"}
        assert stock.find_student("claudine").first_name == "Claudine"
        assert [a.name for a in stock.assignments] == ["a01"]


def test_the_stock_gradebook_comes_back_after_the_block(tmp_path):
    url = f"sqlite:///{tmp_path / 'gradebook.db'}"
    with nbgrader_speedups():
        pass
    with Gradebook(url) as one, Gradebook(url) as two:
        assert one.engine is not two.engine


def _cell(**nbgrader) -> object:
    cell = new_code_cell("x = 1")
    cell.metadata.nbgrader = {"schema_version": 3, "grade_id": "q1", **nbgrader}
    return cell


@pytest.mark.parametrize(
    "metadata",
    [
        {"grade": True, "solution": False, "locked": True, "task": False, "points": 2},
        {"grade": "yes", "solution": False, "locked": True, "task": False},
        {"grade": True, "solution": False, "locked": True, "task": False, "points": "two"},
    ],
)
def test_cell_metadata_is_checked_with_the_same_verdict(metadata):
    def verdict():
        try:
            MetadataValidator().validate_cell(_cell(**metadata))
        except jsonschema.ValidationError as err:
            return err.message
        return None

    stock = verdict()
    with cached_metadata_validators():
        ours, again = verdict(), verdict()
    assert ours == again == stock
    if metadata["grade"] == "yes" or metadata.get("points") == "two":
        assert stock is not None  # the bad ones really are refused
