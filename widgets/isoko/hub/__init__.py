"""JupyterHub configuration for Isoko, built by small functions on a traitlets Config."""
