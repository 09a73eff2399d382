"""nbgrader's own work on each submission, without the parts that are paid again and again.

``isoko grade`` keeps every gradebook write in its one main thread, so that thread's
nbgrader work per submission bounds how fast a class is graded. Profiled on a course
notebook, two costs were most of it, and neither changes what nbgrader does:

- nbgrader opens a new ``Gradebook`` about ten times per submission (``init_assignment``,
  overwriting cells, saving grades, late penalties...). Each opening makes a new
  SQLAlchemy engine, inspects the database and creates any missing table, and, since
  SQLAlchemy caches compiled statements per engine, compiles every query again. Here
  every ``Gradebook`` of one database shares one engine, made (and its tables checked)
  by the first opening. Sessions, queries and commits are nbgrader's own, one per
  ``Gradebook`` as before; closing one ends its session, and the engine is closed at
  the end of the run.
- nbgrader checks each cell's metadata with ``jsonschema.validate``, which first checks
  the schema itself, on every cell. Here the schema is checked once and its validator
  kept; a cell's metadata is still checked, with the same error.

Both apply only inside ``nbgrader_speedups()``, in the process that grades.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterator
from types import SimpleNamespace


@contextlib.contextmanager
def nbgrader_speedups() -> Iterator[None]:
    """Within this block, nbgrader in this process shares gradebook engines and schema
    validators (see the module's docstring)."""
    with shared_gradebook_engine(), cached_metadata_validators():
        yield


@contextlib.contextmanager
def shared_gradebook_engine() -> Iterator[dict]:
    """Every ``nbgrader.api.Gradebook`` opened in this block on one database URL uses one
    engine. Yields the engines by URL (for tests)."""
    from nbgrader import api
    from sqlalchemy.orm import scoped_session, sessionmaker

    gradebook = api.Gradebook
    first_open, stock_close = gradebook.__init__, gradebook.close
    engines: dict[str, object] = {}

    def open_sharing(self, db_url, course_id="default_course", authenticator=None):
        engine = engines.get(db_url)
        if engine is None:
            first_open(self, db_url, course_id, authenticator)
            engines[db_url] = self.engine
            return
        self.engine = engine
        self.db = scoped_session(sessionmaker(autoflush=True, bind=engine, future=True))
        self.check_course(course_id=course_id)
        self.course_id = course_id
        self.authenticator = authenticator

    def close_sharing(self):
        if self.engine in engines.values():
            self.db.remove()  # the session ends; the shared engine stays open
        else:
            stock_close(self)

    gradebook.__init__, gradebook.close = open_sharing, close_sharing
    try:
        yield engines
    finally:
        gradebook.__init__, gradebook.close = first_open, stock_close
        for engine in engines.values():
            engine.dispose()


@contextlib.contextmanager
def cached_metadata_validators() -> Iterator[None]:
    """nbgrader's cell-metadata check with one validator per schema, checked once."""
    import jsonschema
    from nbgrader.nbgraderformat import common

    validators: dict[str, object] = {}

    def validate(instance, schema):
        key = json.dumps(schema, sort_keys=True)
        validator = validators.get(key)
        if validator is None:
            cls = jsonschema.validators.validator_for(schema)
            cls.check_schema(schema)
            validator = validators[key] = cls(schema)
        error = jsonschema.exceptions.best_match(validator.iter_errors(instance))
        if error is not None:
            raise error

    stock = common.jsonschema
    common.jsonschema = SimpleNamespace(validate=validate, ValidationError=stock.ValidationError)
    try:
        yield
    finally:
        common.jsonschema = stock
