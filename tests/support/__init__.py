"""Helpers shared by the tests: the hub, a hub user, notebooks in an isolated kernel, and
reading a simulator's widgets and messages."""
