"""What the KPIs are: the dimensions to break them down by, the KPIs themselves with their
definitions (see ``docs/statistics.md``), and whose participants a figure is about (scope).

Nothing here reads the register: the engines (``one_way``, ``two_way``, ``reference``) compute
the figures, ``protection`` decides what may be published of them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import (
    Case,
    CharField,
    F,
    IntegerField,
    Q,
    Value,
    When,
)
from django.db.models.lookups import LessThan, LessThanOrEqual
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from etablera.register.models import (
    EducationLevel,
    Gender,
    InterventionCategory,
)

from .expressions import DaysBetween, Unindexed, YearOf

#: Average days in a month (365.25 / 12): a monthly cost becomes a daily one.
DAYS_PER_MONTH = Decimal("30.4375")
#: Follow-up points after exit, in days.
FOLLOW_UP_DAYS = (90, 180, 365)
OERE = Decimal("0.01")


# --- dimensions ---


@dataclass(frozen=True)
class Dimension:
    """Something to break the KPIs down by."""

    key: str
    label: str | Promise
    #: The values in display order with their labels (intervention: read from the database).
    choices: tuple[tuple[Any, str | Promise], ...] = ()

    def expression(self, context: Any, prefix: str = ""):
        """The SQL expression of the group value, for enrolments reached through ``prefix``
        (``context``: the computation's ``results.QueryContext``).

        Interventions are few: their category comes from a CASE over their ids rather than a
        join, which lets the database read the enrolments in one scan.
        """
        p = prefix
        if self.key == "gender":
            return F(f"{p}participant__gender")
        if self.key == "category":
            return context.by_intervention(f"{p}intervention_id", context.categories, "other")
        if self.key == "intervention":
            return Unindexed(F(f"{p}intervention_id"))
        if self.key == "education":
            return F(f"{p}participant__education_level")
        if self.key in BANDED:
            whens, default = self.bands(p)
            return Case(
                *(When(condition, then=Value(value)) for condition, value in whens),
                default=Value(default),
                output_field=CharField(),
            )
        raise KeyError(self.key)

    def bands(self, p: str = "") -> tuple[list[tuple[Any, str]], str]:
        """The conditions of a banded dimension in order, each with its value, and the default.

        Both the group value (a CASE giving the band's name) and the band's bit in a
        participant's set of bands (:func:`_people`) are built from this one definition.
        """
        if self.key == "age":
            age = YearOf(F(f"{p}start")) - F(f"{p}participant__birth_year")
            return [
                (LessThan(age, 16), "other"),
                (LessThanOrEqual(age, 24), "16-24"),
                (LessThanOrEqual(age, 39), "25-39"),
                (LessThanOrEqual(age, 64), "40-64"),
            ], "other"
        if self.key == "reception":
            days = DaysBetween(F(f"{p}start"), F(f"{p}participant__received_on"))
            return [
                (Q(**{f"{p}participant__received_on__isnull": True}), "unknown"),
                # Years of 365.25 days: under 2 years is at most 730 days, under 5 at most 1826.
                (LessThanOrEqual(days, 730), "0-2"),
                (LessThanOrEqual(days, 1826), "2-5"),
            ], "5+"
        raise KeyError(self.key)


DIMENSIONS: dict[str, Dimension] = {
    d.key: d
    for d in [
        Dimension("gender", _("Kön"), tuple(Gender.choices)),
        Dimension("category", _("Insatskategori"), tuple(InterventionCategory.choices)),
        Dimension("intervention", _("Insats")),
        Dimension(
            "reception",
            _("År sedan kommunmottagande vid start"),
            (
                ("0-2", _("0–2 år")),
                ("2-5", _("2–5 år")),
                ("5+", _("5 år eller mer")),
                ("unknown", _("Datum för kommunmottagande saknas")),
            ),
        ),
        Dimension(
            "age",
            _("Ålder vid start"),
            (
                ("16-24", _("16–24 år")),
                ("25-39", _("25–39 år")),
                ("40-64", _("40–64 år")),
                ("other", _("Annan ålder eller okänd")),
            ),
        ),
        Dimension("education", _("Utbildningsnivå"), tuple(EducationLevel.choices)),
    ]
}

#: Dimensions whose value is a band computed from dates (a CASE over conditions).
BANDED = ("reception", "age")
#: Dimensions that are attributes of the participant rather than of the enrolment.
PERSONAL = ("gender", "education")

#: Dimensions that may be combined only with others: an intervention has one category.
NESTED = {"intervention": "category"}


class InvalidBreakdown(ValueError):
    """A breakdown that does not exist or cannot be made; the message is in Swedish."""


def parse_breakdown(text: str | Sequence[str] | None) -> tuple[str, ...]:
    """``"gender,category"`` → ``("gender", "category")``; refuses what cannot be made."""
    if text is None:
        return ()
    names = [n.strip().lower() for n in (text.split(",") if isinstance(text, str) else text)]
    names = [n for n in names if n]
    unknown = [n for n in names if n not in DIMENSIONS]
    if unknown:
        raise InvalidBreakdown(
            str(
                _("Okänd uppdelning ”%(name)s”. Välj bland: %(choices)s.")
                % {"name": unknown[0], "choices": ", ".join(DIMENSIONS)}
            )
        )
    if len(names) > 2:
        raise InvalidBreakdown(str(_("Nyckeltalen kan delas upp efter högst två saker åt gången.")))
    if len(set(names)) != len(names):
        raise InvalidBreakdown(str(_("Samma uppdelning kan inte anges två gånger.")))
    if set(names) == {"intervention", "category"}:
        raise InvalidBreakdown(
            str(
                _(
                    "Insats och insatskategori kan inte kombineras: varje insats hör till en "
                    "kategori. Välj insats för den finare uppdelningen."
                )
            )
        )
    return tuple(names)


def parse_breakdown_list(names: Sequence[str]) -> list[str]:
    """Any number of single dimensions (one-way breakdowns), validated."""
    result = []
    for name in names:
        result.extend(parse_breakdown([name]))
    return result


def bits(mask: Any) -> list[int]:
    """The positions of the bits set in ``mask`` (a bit set of bands or interventions)."""
    mask, found = int(mask or 0), []
    while mask:
        lowest = mask & -mask
        found.append(lowest.bit_length() - 1)
        mask ^= lowest
    return found


def band_values(dim: str) -> list[str]:
    """A banded dimension's values in the order of their bits."""
    return [str(value) for value, _label in DIMENSIONS[dim].choices]


def band_bit(dim: str) -> Case:
    """The bit of the band an enrolment falls in (1, 2, 4, …; see :func:`band_values`)."""
    whens, default = DIMENSIONS[dim].bands()
    position = {value: 1 << i for i, value in enumerate(band_values(dim))}
    return Case(
        *(When(condition, then=Value(position[value])) for condition, value in whens),
        default=Value(position[default]),
        output_field=IntegerField(),
    )


def decoded(dim: str, value: Any) -> Any:
    """A group value of the facts as the register's queries give it (bands by name)."""
    return band_values(dim)[bits(value)[0]] if dim in BANDED else value


# --- KPI definitions ---


@dataclass(frozen=True)
class Kpi:
    key: str
    label: str | Promise
    unit: str  # "count", "percent", "days", "sek" (as goals.IndicatorUnit)
    definition: str | Promise
    higher_is_better: bool = True

    @property
    def suffix(self) -> str:
        return {"percent": " %", "days": " d", "sek": " kr"}.get(self.unit, "")


KPIS: dict[str, Kpi] = {
    k.key: k
    for k in [
        Kpi(
            "active_participants",
            _("Aktiva deltagare"),
            "count",
            _(
                "Antal personer som har haft minst ett deltagande i en insats någon gång under "
                "perioden (startat senast periodens sista dag och inte avslutat före dess första)."
            ),
        ),
        Kpi(
            "new_participants",
            _("Nya deltagare"),
            "count",
            _(
                "Antal personer vars första deltagande i någon insats startade under perioden. "
                "Vid uppdelning räknas de grupper där personen startade ett deltagande."
            ),
        ),
        Kpi(
            "ended_enrolments",
            _("Avslutade deltaganden"),
            "count",
            _("Antal deltaganden med slutdatum under perioden."),
        ),
        Kpi(
            "exit_work_or_studies_share",
            _("Andel avslut till arbete eller studier"),
            "percent",
            _(
                "Andel av deltagandena som avslutades under perioden där deltagaren vid "
                "avslutet gick till arbete (osubventionerat eller subventionerat, på den "
                "reguljära arbetsmarknaden och i minst en sammanhängande månad) eller till "
                "studier som ger rätt till studiemedel. En kommunal arbetsmarknadsanställning "
                "räknas som en annan insats och SFI enbart inte som studier. Följer Koladas "
                "nyckeltal för resultat vid avslut i kommunens arbetsmarknadsverksamhet."
            ),
        ),
        Kpi(
            "exit_unsubsidised_work_share",
            _("Andel avslut till osubventionerat arbete"),
            "percent",
            _(
                "Andel av deltagandena som avslutades under perioden där deltagaren vid "
                "avslutet gick till ett osubventionerat arbete (inklusive eget företag) i minst "
                "en sammanhängande månad."
            ),
        ),
        *(
            Kpi(
                f"work_or_studies_{days}d_share",
                _("Andel i arbete eller studier %(days)s dagar efter avslut") % {"days": days},
                "percent",
                _(
                    "Bland deltaganden som avslutades under perioden och följts upp %(days)s "
                    "dagar efter avslutet: andelen där deltagaren då arbetade eller studerade. "
                    "Deltaganden som inte följts upp räknas inte."
                )
                % {"days": days},
            )
            for days in FOLLOW_UP_DAYS
        ),
        Kpi(
            "median_days_in_intervention",
            _("Mediantid i insats"),
            "days",
            _(
                "Medianen av antalet dagar från start till avslut (båda dagarna inräknade) för "
                "deltaganden som avslutades under perioden."
            ),
            higher_is_better=False,
        ),
        Kpi(
            "cost_per_participant",
            _("Kostnad per deltagare"),
            "sek",
            _(
                "Insatsernas kostnad under perioden delad med antalet aktiva deltagare. Kostnaden "
                "är insatsens kostnad per deltagare och månad gånger deltagandets dagar inom "
                "perioden delat med 30,4375; pågående deltaganden räknas till och med dagens "
                "datum. Insatser utan angiven kostnad räknas som 0 kr."
            ),
            higher_is_better=False,
        ),
        Kpi(
            "cost_per_exit_work_or_studies",
            _("Kostnad per avslut till arbete eller studier"),
            "sek",
            _(
                "Insatsernas kostnad under perioden (som ovan) delad med antalet deltaganden "
                "som avslutades till arbete eller studier under perioden."
            ),
            higher_is_better=False,
        ),
    ]
}


#: Other spellings of KPI keys that indicators may use (``work_or_studies_after_90_share``).
KEY_ALIASES = {
    f"work_or_studies_after_{d}_share": f"work_or_studies_{d}d_share" for d in FOLLOW_UP_DAYS
}


def kpi_key(name: str) -> str | None:
    """The KPI key ``name`` stands for (itself or an alias), or None if it names none."""
    name = name.strip()
    key = KEY_ALIASES.get(name, name)
    return key if key in KPIS else None


# --- scope ---


@dataclass(frozen=True)
class Scope:
    """Whose participants the figures are about: the whole municipality, or some units."""

    key: str
    label: str
    #: The owning units of the participants counted; None for the whole municipality.
    unit_ids: frozenset[int] | None = None

    @property
    def is_municipality(self) -> bool:
        return self.unit_ids is None


MUNICIPALITY_KEY = "kommun"


def municipality_scope() -> Scope:
    return Scope(MUNICIPALITY_KEY, str(_("Hela kommunen")))


#: The KPIs shown for a mandate's interventions (its page and the commissioning body's report).
OUTCOME_KPIS = (
    "active_participants",
    "ended_enrolments",
    "exit_work_or_studies_share",
    "exit_unsubsidised_work_share",
    "work_or_studies_90d_share",
    "median_days_in_intervention",
    "cost_per_participant",
    "cost_per_exit_work_or_studies",
)
