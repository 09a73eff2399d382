"""Pure economic models for Isoko's courses and simulators.

Everything here is plain numpy: no widgets, no display, no state. Functions accept
scalars or numpy arrays (broadcast together) and return a ``float`` for scalar input
or a numpy array otherwise. Money is in Rwandan francs (RWF) unless a name or a
docstring says otherwise. Impossible input raises ``ValueError`` with a message a
learner can read.
"""

from isoko.econ import fx, pricing

__all__ = ["fx", "pricing"]
