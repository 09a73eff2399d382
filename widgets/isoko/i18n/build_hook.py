"""Building the package compiles the translation catalogues into what it installs.

``.mo`` files are not kept in git; ``pip install .`` and a wheel build run setuptools'
``build_py``, which this hook extends (``[tool.setuptools.cmdclass]`` in
``pyproject.toml``). Compiling at build time rather than on first use: the package is
installed by root into a shared environment that learners' servers can read but not
write, so a catalogue missing there could never be compiled later.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

from setuptools.command.build_py import build_py


def _compile_catalogues():
    """:func:`isoko.i18n.compiling.compile_catalogues`, loaded from its file: setuptools
    loads this hook on its own, and ``isoko`` is not importable while it is built."""
    path = Path(__file__).with_name("compiling.py")
    spec = importlib.util.spec_from_file_location("_isoko_i18n_compiling", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.compile_catalogues


class BuildPyWithCatalogues(build_py):
    """``build_py`` that also writes ``isoko/locale/<lang>/LC_MESSAGES/<domain>.mo``."""

    def run(self) -> None:
        super().run()
        if self.editable_mode:  # an editable install reads the source tree's catalogues
            return
        source = Path(self.get_package_dir("isoko")) / "locale"
        target = Path(self.build_lib) / "isoko" / "locale"
        for mo in _compile_catalogues()(source, target):
            self.announce(f"compiled {mo}", level=2)
