"""Isoko: an open e-commerce academy on JupyterHub."""

__version__ = "0.1.0"
