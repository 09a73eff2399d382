"""JupyterHub configuration for Isoko.

Kept thin on purpose: every setting is made by a small, tested function in
``isoko.hub.config`` from ``isoko.yaml`` and the ``ISOKO_*`` variables; then the
operator's own files in ``jupyterhub_config.d/`` of the state directory run, in name
order (``isoko.hub.config_dir``). Start the hub with ``make hub`` (``isoko hub``), which
prepares the state directory, secrets, accounts and courses first.
"""

from isoko.hub.config import configure
from isoko.hub.config_dir import load_config_dir

settings = configure(c)
load_config_dir(c, settings.hub_config_dir)
