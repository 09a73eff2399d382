"""Helpers shared by the tests: the hub, a hub user, notebooks in an isolated kernel, and
reading a simulator's widgets and messages. The benchmarks (``benchmarks/``) run with this
folder on their path and use the same hub, Chromium and Voilà servers."""
