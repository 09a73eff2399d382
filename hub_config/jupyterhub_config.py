"""JupyterHub configuration for Isoko.

Kept thin on purpose: every setting is made by a small, tested function in
``isoko.hub.config``. Start the hub with ``make hub`` (``isoko hub``), which prepares
the state directory, secrets, accounts and courses first.
"""

from isoko.hub.config import configure

configure(c)
