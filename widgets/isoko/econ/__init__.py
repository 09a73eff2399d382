"""Pure economic models for Isoko's courses and simulators.

Everything here is plain numpy: no widgets, no display, no state kept between calls.
Functions accept scalars or numpy arrays (``numpy.typing.ArrayLike``, broadcast
together) and return a ``float`` for scalar input or a numpy array otherwise. Money is
in Rwandan francs (RWF) unless a name or a docstring says otherwise. Impossible input
raises ``ValueError`` with a message a learner can read.

One module per job; each sourced figure is a constant, with its source, in the module
of its job (exchange rates in :mod:`~isoko.econ.fx`):

- :mod:`~isoko.econ.fx`: USD and RWF, and the default exchange rates;
- :mod:`~isoko.econ.pricing`: demand, elasticity, fees and the best price;
- :mod:`~isoko.econ.customers`: acquisition cost, funnels, lifetime value;
- :mod:`~isoko.econ.ab_test`: comparing two conversion rates (Fisher's exact test);
- :mod:`~isoko.econ.cashflow`: mobile-money fees and cash day by day;
- :mod:`~isoko.econ.normal`: the standard normal distribution;
- :mod:`~isoko.econ.freight`: chargeable weight, air and sea costs, comparing modes;
- :mod:`~isoko.econ.duties`: landed cost, China's duties and VAT;
- :mod:`~isoko.econ.stock`: EOQ, safety stock, reorder point and the stock Monte Carlo;
- :mod:`~isoko.econ.newsvendor`: stock for a one-off sale;
- :mod:`~isoko.econ.capacity`: a fixed number of places priced across seasons, and
  cancellations with deposits.
"""

from isoko.econ import fx, pricing

__all__ = ["fx", "pricing"]
