"""Tour prices across the seasons: how should I price my tour with a fixed number of places?

The story: a guide sells a day tour (the tourism course's gorilla-trek day from Musanze)
to visitors on a platform such as Airbnb Experiences. One minibus takes a fixed number
of guests a day; a place not sold today is lost. Visitors come in seasons: many in the
long dry season (June to mid-September), few in the rains. In a quiet season the best
price is the cost marked up for the commission and for how guests react to price, and
some places stay empty; in a busy season that price would draw more guests than there
are places, so the price rises until they just fill. One price all year earns less:
it is too cheap for the peak, too dear for the rains, or both.

This module is only a view: every number comes from :mod:`isoko.econ.capacity`.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from html import escape
from typing import Any

import ipywidgets as widgets

from isoko.econ import capacity, fx
from isoko.econ.capacity import SeasonPrice
from isoko.sims import _base, inputs
from isoko.sims._svg import Segment, grouped_bar_chart
from isoko.sims.inputs import ASSUMPTION, N_, Input

# Inputs. Figures with a source were collected in late 2026; the rest are
# illustrative assumptions, each a control the learner can change.
PLACES_PER_DAY = Input(
    "places_per_day",
    capacity.DEFAULT_PLACES_PER_DAY,
    N_("Places on the tour each day (guests)"),
    kind="int",
    low=1,
    high=30,
    step=1,
    unit="guests per day",
    note=ASSUMPTION,
    main=True,
    css_class="isoko-places",
)
COST_PER_GUEST_RWF = Input(
    "cost_per_guest_rwf",
    int(capacity.DEFAULT_COST_PER_GUEST_RWF),
    N_("Cost of one guest: lunch, water, fuel (RWF)"),
    kind="int",
    low=0,
    high=100_000,
    step=500,
    unit="RWF per guest",
    note=ASSUMPTION,
)
#: Airbnb charges Experience hosts 20% of the price.
COMMISSION_RATE = inputs.COMMISSION_RATE.but(
    default=capacity.AIRBNB_EXPERIENCES_COMMISSION,
    label=N_("Platform commission (share of the price)"),
    high=0.40,
    source="Airbnb Experiences host fee 20% (Airbnb help centre, 2026); Booking about 15%.",
)
_PEAK = capacity.DEFAULT_SEASONS[0]
PEAK_DEMAND_PER_DAY = Input(
    "peak_demand_per_day",
    _PEAK.reference_demand_per_day,
    N_("Long dry season: guests who would book a day at USD 100"),
    low=1.0,
    high=40.0,
    step=0.5,
    unit="guests per day",
    readout_format=".1f",
    note=ASSUMPTION,
)
ELASTICITY = Input(
    "elasticity",
    _PEAK.elasticity,
    N_("Price elasticity: a 1% higher price changes bookings by this many %"),
    low=-6.0,
    high=-1.2,
    step=0.1,
    unit="% of bookings per 1% of price",
    readout_format=".1f",
    note=ASSUMPTION,
)
INPUTS = (PLACES_PER_DAY, COST_PER_GUEST_RWF, COMMISSION_RATE, PEAK_DEMAND_PER_DAY, ELASTICITY)

#: The seasons' names as the learner reads them (econ names them in English).
SEASON_LABELS = {
    capacity.DEFAULT_SEASONS[0].name: N_("Long dry (June to mid-September)"),
    capacity.DEFAULT_SEASONS[1].name: N_("Short rains (mid-September to mid-December)"),
    capacity.DEFAULT_SEASONS[2].name: N_("Short dry (mid-December to February)"),
    capacity.DEFAULT_SEASONS[3].name: N_("Long rains (March to May)"),
}

SOURCES = N_(
    "Seasons: two dry seasons, June to mid-September (the peak) and mid-December to "
    "February; rains March to May and October to November (tour operators' guides). "
    "Airbnb Experiences hosts pay a 20% fee; Booking charges about 15% (collected 2026). "
    "USD 100 at about RWF 1,461 per USD (BNR, December 2025). Demand, places and costs "
    "are assumptions."
)

#: gettext domain of this simulator's labels (``locale/<lang>/LC_MESSAGES/isoko-seasons.po``).
DOMAIN = "isoko-seasons"

_SEASONAL_COLOUR = "#1e7b34"
_SINGLE_COLOUR = "#8a8f94"


@dataclass(frozen=True)
class SeasonPricingResult:
    """What the model says for the current controls (money in RWF).

    ``plan``: the best price of each season; ``single``: the best one price all year
    (totals); ``single_by_season``: what that one price earns in each season.
    """

    places_per_day: int
    plan: tuple[SeasonPrice, ...]
    single: SeasonPrice
    single_by_season: tuple[SeasonPrice, ...]
    seasonal_profit_rwf: float
    gain_rwf: float


def seasons(peak_demand_per_day: float, elasticity: float) -> tuple[capacity.Season, ...]:
    """The seasons of the tour, with the peak's demand and every season's elasticity set; the
    other seasons keep their demand relative to the sourced pattern."""
    return tuple(
        dataclasses.replace(
            season,
            reference_demand_per_day=(
                peak_demand_per_day if season is _PEAK else season.reference_demand_per_day
            ),
            elasticity=elasticity,
        )
        for season in capacity.DEFAULT_SEASONS
    )


def model(
    places_per_day: int,
    cost_per_guest_rwf: float,
    commission_rate: float,
    peak_demand_per_day: float,
    elasticity: float,
) -> SeasonPricingResult:
    """Run the econ models for one set of inputs (no widgets involved)."""
    year = seasons(peak_demand_per_day, elasticity)
    args = (places_per_day, cost_per_guest_rwf, commission_rate)
    plan = tuple(capacity.plan_year(year, *args))
    single = capacity.best_single_price(year, *args)
    by_season = tuple(capacity.outcome_at_price(season, single.price_rwf, *args) for season in year)
    seasonal = sum(item.profit_rwf for item in plan)
    return SeasonPricingResult(
        places_per_day=int(places_per_day),
        plan=plan,
        single=single,
        single_by_season=by_season,
        seasonal_profit_rwf=seasonal,
        gain_rwf=seasonal - single.profit_rwf,
    )


class SeasonPricingSimulator(_base.Simulator[SeasonPricingResult], _base.HasFigure, _base.HasChart):
    """A thin ipywidgets view over :func:`model`.

    ``view`` is the widget to display; ``controls`` maps each input name to its widget
    (``places_per_day``, ``cost_per_guest_rwf``, ``commission_rate``,
    ``peak_demand_per_day``, ``elasticity``). CSS classes for browser tests:
    ``isoko-sim`` (view), ``isoko-main-control`` and ``isoko-places`` (places slider),
    ``isoko-figure`` (readout), ``isoko-chart`` (both charts), ``isoko-price-chart``
    (price per season) and ``isoko-places-chart`` (guests a day per season).
    """

    domain = DOMAIN
    inputs = INPUTS

    def _build_view(self) -> widgets.Widget:
        _ = self._
        self._figure = self._output(self._render_figure, "isoko-figure")
        self._chart = self._output(self._render_price_chart, "isoko-chart", "isoko-price-chart")
        self._places_chart = self._output(
            self._render_places_chart, "isoko-chart", "isoko-places-chart"
        )
        return _base.sim_view(
            [
                _base.heading(_("Tour prices across the seasons")),
                _base.paragraph(
                    _(
                        "You sell a day tour to visitors online, such as a gorilla-trek day "
                        "from Musanze, with a fixed number of places a day. How should you "
                        "price it in each season?"
                    )
                ),
                self._row("places_per_day"),
                self._figure,
                self._chart,
                self._places_chart,
                _base.heading(_("Costs and platform"), level=4),
                self._row("cost_per_guest_rwf"),
                self._row("commission_rate"),
                _base.heading(_("How visitors book"), level=4),
                self._row("peak_demand_per_day"),
                self._row("elasticity"),
                _base.sources_note(_("Sources:"), _(SOURCES)),
            ]
        )

    # Read-only view of the model ------------------------------------------------
    @property
    def plan(self) -> tuple[SeasonPrice, ...]:
        """The best price of each season, peak first."""
        return self.result.plan

    @property
    def single(self) -> SeasonPrice:
        """The best one price all year (the year's totals)."""
        return self.result.single

    @property
    def gain_rwf(self) -> float:
        """What prices by season earn over one price all year, RWF a year."""
        return self.result.gain_rwf

    @property
    def places_chart_svg(self) -> str:
        """The SVG of guests a day per season."""
        return self._places_chart.value

    # Updating ------------------------------------------------------------------
    def _model(self, inputs: dict[str, Any]) -> SeasonPricingResult:
        return model(**inputs)

    # Rendering -----------------------------------------------------------------------
    def _season(self, item: SeasonPrice) -> str:
        return self._(SEASON_LABELS[item.season])

    def _usd(self, rwf: float) -> str:
        return self._money(fx.rwf_to_usd(rwf, fx.RWF_PER_USD_MID_2026), "USD")

    def _render_figure(self, r: SeasonPricingResult) -> str:
        _, money = self._, self._money
        colour = "#1e7b34" if r.seasonal_profit_rwf >= 0 else "#b00020"
        headline = _("Prices by season: profit {profit} a year").format(
            profit=money(r.seasonal_profit_rwf)
        )
        single = _("One price all year, {price} (about {usd}): profit {profit}").format(
            price=money(r.single.price_rwf),
            usd=self._usd(r.single.price_rwf),
            profit=money(r.single.profit_rwf),
        )
        gain = _("Prices by season earn {gain} more a year.").format(gain=money(r.gain_rwf))
        rows = [
            f"<div style='font-size:1.3em;font-weight:700;color:{colour}'>{escape(headline)}</div>",
            f"<div>{escape(single)}</div>",
            f"<div><b>{escape(gain)}</b></div>",
        ]
        for item in r.plan:
            if item.full:
                line = _("{season}: {price}, all {places} places sold").format(
                    season=self._season(item),
                    price=money(item.price_rwf),
                    places=self._number(r.places_per_day),
                )
            else:
                line = _("{season}: {price}, {sold} of {places} places sold").format(
                    season=self._season(item),
                    price=money(item.price_rwf),
                    sold=self._number(item.places_sold_per_day, 1),
                    places=self._number(r.places_per_day),
                )
            rows.append(f"<div>{escape(line)}</div>")
        rows.append(
            "<div style='color:#555'>{}</div>".format(
                escape(
                    _(
                        "When the best price would draw more guests than places, the price "
                        "rises until they just fill."
                    )
                )
            )
        )
        return _base.readout_html(*rows)

    def _groups(self, seasonal: list[float], single: list[float]) -> list[Segment]:
        _ = self._
        return [
            Segment(_("Price by season"), seasonal, _SEASONAL_COLOUR),
            Segment(_("One price all year"), single, _SINGLE_COLOUR),
        ]

    def _render_price_chart(self, r: SeasonPricingResult) -> str:
        title = self._("Prices by season earn {gain} more a year").format(
            gain=self._money(r.gain_rwf)
        )
        return grouped_bar_chart(
            [self._season(item) for item in r.plan],
            self._groups(
                [item.price_rwf for item in r.plan],
                [item.price_rwf for item in r.single_by_season],
            ),
            title=title,
            value_format=lambda v: self._money(v),
        )

    def _render_places_chart(self, r: SeasonPricingResult) -> str:
        title = self._("Guests a day, out of {places} places").format(
            places=self._number(r.places_per_day)
        )
        return grouped_bar_chart(
            [self._season(item) for item in r.plan],
            self._groups(
                [item.places_sold_per_day for item in r.plan],
                [item.places_sold_per_day for item in r.single_by_season],
            ),
            title=title,
            value_format=lambda v: self._number(v, 1),
            scale_max=r.places_per_day,
        )
