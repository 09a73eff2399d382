"""Learner code that changes how answers are checked, found by reading it.

nbgrader runs a notebook's tests in the learner's own Python, after the learner's cells.
A cell can therefore replace what the tests call: one line such as
``answers.assert_function = print``, ``builtins.abs = ...`` or ``np.isclose = ...`` and
every test passes, hidden ones included. Running the notebook cannot see it (the check
itself is what was replaced); reading the learner's code can. :func:`tampering` lists
each line of a learner's cell that

- imports the course's checks (``isoko.checks``) or Python's machinery (``builtins``,
  ``importlib``, ``gc``, ``ctypes``), or reaches it through a dunder name
  (``__builtins__``, ``__import__``, ``__code__``, ``__dict__``, ...), ``sys.modules``
  or the IPython shell (``get_ipython()``, whose hooks run around the tests too);
- assigns to or deletes an attribute of a module (one a cell imported, the tests'
  ``answers`` included), or does so with ``setattr``/``delattr``/``vars``;
- gives a global name a builtin's name the tests rely on (``abs = ...``,
  ``def isinstance(...)``): the tests run in the learner's namespace and would call it;
- runs code from text (``exec``, ``eval``, ``compile``), which hides the rest.

None of this is needed to answer an assignment of these courses (a test holds every
solution of every course to that). :class:`ZeroTamperedTests`, a step of every autograde
(``isoko grade`` and the formgrader's alike), gives such a notebook's tests zero, marks
them for a manual grade and tells the instructor which line. A learner who hides such code well
enough can still get past a reader; the checks running outside the learner's Python
would close that, and are not built.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass

from nbgrader.api import Gradebook
from nbgrader.preprocessors import NbGraderPreprocessor

from isoko.grading.hidden import HIDDEN_REGION

#: How the step's warning starts: ``problems.reason_from_warning`` passes the rest on.
WARNING_PREFIX = "Tampering: "

#: Modules whose import in a learner's cell is itself the sign.
MACHINERY = frozenset({"builtins", "importlib", "gc", "ctypes"})
#: The course's own checks: the tests import them, a learner's answer never needs to.
CHECKS = "isoko.checks"
#: Names that reach Python's machinery from anywhere.
DUNDERS = frozenset(
    {
        "__builtins__",
        "__import__",
        "__code__",
        "__globals__",
        "__closure__",
        "__defaults__",
        "__kwdefaults__",
        "__dict__",
        "__setattr__",
        "__delattr__",
        "__subclasses__",
        "__loader__",
        "__spec__",
    }
)
#: ``sys`` attributes that swap modules or watch every line.
SYS_HOOKS = frozenset({"modules", "meta_path", "path_hooks", "settrace", "setprofile"})
#: The IPython shell, whose hooks run around every cell, the tests' too.
_SHELL = re.compile(r"\bget_ipython\b")
#: Calls that run code from text.
CODE_FROM_TEXT = frozenset({"exec", "eval", "compile"})
#: Attribute chains rooted at a module that are settings, not functions: ``pd.options``.
SETTINGS = frozenset({"options"})
#: Builtins a test's own line may call: a global of that name replaces it for the tests.
CHECKED_BUILTINS = frozenset(
    {
        "abs",
        "all",
        "any",
        "bool",
        "callable",
        "float",
        "getattr",
        "hasattr",
        "int",
        "isinstance",
        "issubclass",
        "len",
        "round",
        "type",
        "AssertionError",
        "BaseException",
        "Exception",
    }
)


@dataclass(frozen=True)
class Tampering:
    """One line of a learner's cell that can change how answers are checked."""

    cell: str  # the cell's grade id, or "cell N" (from 1)
    line: int
    what: str  # a short quote of the construct

    def reason(self) -> str:
        return f"{self.cell}, line {self.line}: {self.what}"


def instructors_reason(found: list[Tampering], shown: int = 3) -> str:
    """What the instructor reads about a notebook with ``found`` (not empty)."""
    lines = "; ".join(t.reason() for t in found[:shown])
    more = f" and {len(found) - shown} more" if len(found) > shown else ""
    return (
        f"code that can change how answers are checked ({lines}{more}): its tests score "
        "zero until you grade them by hand"
    )


class ZeroTamperedTests(NbGraderPreprocessor):
    """After nbgrader saved the autograde scores: a notebook with learner code that can
    change how answers are checked gets zero on every autograded test, each marked for
    the instructor's manual grade, and a warning that names the lines."""

    def preprocess(self, nb, resources):
        found = tampering(nb)
        if found:
            ids = resources["nbgrader"]
            with Gradebook(ids["db_url"]) as gb:
                notebook = gb.find_submission_notebook(
                    ids["notebook"], ids["assignment"], ids["student"]
                )
                for grade in notebook.grades:
                    if grade.auto_score is not None:
                        grade.auto_score = 0
                        grade.needs_manual_grade = True
                gb.db.commit()
            self.log.warning("%s%s", WARNING_PREFIX, instructors_reason(found))
        return nb, resources


def learner_cells(nb) -> list[tuple[int, str]]:
    """(index, where) of each code cell a learner writes or may change: every code
    cell but the autograder tests, which grading replaces with the instructor's, and
    unchanged copies of a test as the learner saw it (a cell duplicated by mistake)."""

    def is_test(cell) -> bool:
        meta = cell.metadata.get("nbgrader", {})
        return bool(meta.get("grade") and not meta.get("solution"))

    code = [(index, cell) for index, cell in enumerate(nb.cells) if cell.cell_type == "code"]
    tests = {_as_released(cell.source) for _, cell in code if is_test(cell)}
    cells = []
    for index, cell in code:
        if is_test(cell) or _as_released(cell.source) in tests:
            continue
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
        cells.append((index, grade_id or f"cell {index + 1}"))
    return cells


def _as_released(source: str) -> str:
    """A test cell's code as learners get it: without its hidden regions."""
    return HIDDEN_REGION.sub("", source).strip()


def tampering(nb) -> list[Tampering]:
    """Each line of ``nb``'s learner cells that can change how answers are checked."""
    transform = _magics_transformer()
    trees = {
        index: _parse(cell.source, transform)
        for index, cell in enumerate(nb.cells)
        if cell.cell_type == "code"
    }
    modules = _module_names([tree for tree in trees.values() if tree is not None])
    found: list[Tampering] = []
    for index, where in learner_cells(nb):
        if trees[index] is not None:
            signs = _signs(trees[index], modules)
            found += [Tampering(where, line, what) for line, what in signs]
        # The shell itself (its hooks, its run_cell), named in the cell's own text: the
        # parsed form names it for every %magic too, which is harmless.
        for number, line in enumerate(nb.cells[index].source.splitlines(), start=1):
            if _SHELL.search(line):
                found.append(Tampering(where, number, "get_ipython()"))
    return found


def _magics_transformer():
    """IPython's own rewriting of a cell's magics into Python calls."""
    from IPython.core.inputtransformer2 import TransformerManager

    return TransformerManager().transform_cell


def _parse(source: str, transform) -> ast.Module | None:
    """The cell as Python, its IPython magics turned into calls (a cell that is not
    Python fails when it runs and scores nothing anyway)."""
    try:
        return ast.parse(transform(source))
    except (SyntaxError, ValueError):
        return None


def _module_names(trees: list[ast.Module]) -> set[str]:
    """The names the notebook's cells bind to modules, tests' cells included: ``np`` for
    ``import numpy as np``, ``answers`` for ``from isoko.checks import answers``, and a
    plain alias of one (``teacher = answers``)."""
    names: set[str] = set()
    for tree in trees:
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names |= {alias.asname or alias.name.split(".")[0] for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith("isoko"):
                names |= {alias.asname or alias.name for alias in node.names}
    for tree in trees:
        for node in ast.walk(tree):
            aliased = isinstance(node, ast.Assign) and isinstance(node.value, ast.Name)
            if aliased and node.value.id in names:
                names |= {t.id for t in node.targets if isinstance(t, ast.Name)}
    return names


def _global_names(tree: ast.Module):
    """(line, name) of each name a cell binds in the notebook's global namespace: not
    inside a function, a class or a comprehension."""
    scopes = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda, ast.ListComp)
    scopes += (ast.SetComp, ast.DictComp, ast.GeneratorExp)
    stack: list[ast.AST] = list(tree.body)
    while stack:
        node = stack.pop()
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            yield node.lineno, node.name
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            for alias in node.names:
                yield node.lineno, alias.asname or alias.name.split(".")[0]
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            yield node.lineno, node.id
        if isinstance(node, scopes):
            continue
        stack.extend(ast.iter_child_nodes(node))


def _root(node: ast.expr) -> tuple[str | None, list[str]]:
    """The name an attribute chain starts from and the attributes after it."""
    attributes = []
    while isinstance(node, ast.Attribute):
        attributes.append(node.attr)
        node = node.value
    return (node.id if isinstance(node, ast.Name) else None), attributes[::-1]


def _signs(tree: ast.Module, modules: set[str]):
    for line, name in _global_names(tree):
        if name in CHECKED_BUILTINS:
            yield line, f"{name} = ... (replaces the builtin {name} for the tests)"
    for node in ast.walk(tree):
        line = getattr(node, "lineno", 0)
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.split(".")[0] in MACHINERY or alias.name.startswith(CHECKS):
                    yield line, f"import {alias.name}"
        elif isinstance(node, ast.ImportFrom):
            module = node.module or ""
            names = {alias.name for alias in node.names}
            if (
                module.split(".")[0] in MACHINERY
                or module.startswith(CHECKS)
                or (module == "isoko" and "checks" in names)
                or (module == "sys" and names & SYS_HOOKS)
            ):
                yield line, f"from {module} import {', '.join(sorted(names))}"
        elif isinstance(node, ast.Name) and node.id in DUNDERS:
            yield line, node.id
        elif isinstance(node, ast.Attribute):
            if node.attr in DUNDERS:
                yield line, f".{node.attr}"
            elif node.attr in SYS_HOOKS and _root(node.value) == ("sys", []):
                yield line, f"sys.{node.attr}"
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
            if node.func.id in CODE_FROM_TEXT:
                yield line, f"{node.func.id}(...)"
            elif node.func.id in ("setattr", "delattr", "vars") and node.args:
                name, _ = _root(node.args[0])
                if name in modules:
                    yield line, f"{node.func.id}({name}, ...)"
        if isinstance(node, (ast.Assign, ast.AugAssign, ast.AnnAssign, ast.Delete)):
            targets = node.targets if isinstance(node, (ast.Assign, ast.Delete)) else [node.target]
            for target in targets:
                for part in ast.walk(target):
                    if not isinstance(part, ast.Attribute):
                        continue
                    name, attributes = _root(part)
                    if name in modules and not SETTINGS & set(attributes):
                        dotted = ".".join([name, *attributes])
                        deleted = isinstance(node, ast.Delete)
                        yield line, f"del {dotted}" if deleted else f"{dotted} = ..."
                        break
