"""A closed follow-up period's figures are final: the same next week and next year."""

from __future__ import annotations

import datetime as dt

from etablera.followup import services
from etablera.followup.models import PeriodStatus
from etablera.goals.periods import resolve_period
from etablera.statistics import kpis, presentation
from etablera.statistics.kpis import municipality_scope
from etablera.statistics.models import PublishedFigures
from tests.followup.factories import PeriodFactory

from .conftest import AS_OF, near
from .factories import EnrolmentFactory, ParticipantFactory


def published(period_text: str, by=("gender",)) -> dict:
    report = kpis.compute(resolve_period(period_text), municipality_scope(), by, as_of=AS_OF)
    return {
        key: {kpi: (c.value, c.suppressed) for kpi, c in group.cells.items()}
        for key, group in report.groups.items()
    }, report


def late_registrations(count: int = 10) -> None:
    for n in range(count):
        EnrolmentFactory(
            participant=ParticipantFactory(gender="KM"[n % 2]),
            start=dt.date(2025, 3, 1),
            end=dt.date(2025, 4, 1),
            exit="work",
        )


def test_an_open_periods_figures_are_preliminary_and_follow_the_register_monthly(
    populated, next_release
):
    PeriodFactory(code="2025H", status=PeriodStatus.OPEN)
    before, report = published("2025H")
    assert not report.final
    assert "Preliminära siffror" in presentation.accuracy_note(report)
    late_registrations()
    # Kept for the month of their release: one registration is not told by the next question.
    assert published("2025H")[0] == before
    next_release()
    assert published("2025H")[0] != before


def test_a_closed_periods_figures_stay_as_they_were(populated):
    PeriodFactory(code="2025H", status=PeriodStatus.CLOSED)
    before, report = published("2025H")
    assert report.final
    assert "Slutliga siffror" in presentation.accuracy_note(report)
    assert presentation.as_json(report)["status"] == "final"
    late_registrations()
    after, again = published("2025H")
    assert after == before and again.final
    # The same dates asked for as a year get the same final figures.
    assert published("2025")[0] == before
    # A breakdown not yet kept is kept when first asked for, from the register as it is then.
    by_age, _report = published("2025H", by=("age",))
    late_registrations()
    assert published("2025H", by=("age",))[0] == by_age


def test_closing_a_period_keeps_the_municipalitys_figures(
    populated, django_capture_on_commit_callbacks
):
    period = PeriodFactory(code="2025H", status=PeriodStatus.OPEN)
    before, _report = published("2025H")
    with django_capture_on_commit_callbacks(execute=True):
        services.close_period(period, actor=None)
    kept = set(PublishedFigures.objects.values_list("grouping", flat=True))
    assert {"", "gender", "category", "intervention", "reception", "age", "education"} <= kept
    late_registrations()
    assert published("2025H")[0] == before


def test_the_kept_figures_are_the_registers_of_the_moment(populated):
    PeriodFactory(code="2025H", status=PeriodStatus.CLOSED)
    _before, report = published("2025H", by=())
    assert near(report.total.cells["active_participants"].value, 49)


def test_late_registrations_show_as_revised_figures_beside_the_final_ones(populated, next_release):
    PeriodFactory(code="2025H", status=PeriodStatus.CLOSED)
    before, report = published("2025H")
    assert report.revised is None  # nothing has changed since the figures were kept
    assert "reviderad" not in str(presentation.summary_table(report).columns)
    late_registrations(30)
    # The register's figures are released monthly, like an open period's.
    assert published("2025H")[1].revised is None
    next_release()
    after, report = published("2025H")
    assert after == before  # the final figures stand
    assert report.revised is not None and report.revised_release
    total = report.revised[()].cells["active_participants"]
    assert near(total.value, 49 + 30)  # the register as it is now, with the same noise
    summary = presentation.summary_table(report)
    assert summary.columns[-1] == f"{report.period.label}, reviderad"
    assert summary.rows[0][1] == report.total.cells["active_participants"]
    assert summary.rows[0][2] == total
    assert "reviderad" in summary.note and "Slutliga siffror" in summary.note
    labels = [str(row[0]) for row in presentation.breakdown_table(report, "gender").rows]
    assert "Kvinna, reviderad" in labels
    data = presentation.as_json(report)
    assert data["status"] == "final"
    assert data["revised"]["release"] == report.revised_release
    assert data["revised"]["rows"][-1]["values"]["active_participants"]["value"] == total.value
    # Revised figures follow the register by monthly releases too: one more registration is
    # not told by the next question.
    late_registrations(1)
    assert published("2025H")[1].revised[()].cells == report.revised[()].cells


def test_an_open_period_says_its_figures_are_preliminary_everywhere(populated):
    PeriodFactory(code="2025H", status=PeriodStatus.OPEN)
    _before, report = published("2025H")
    assert report.revised is None
    assert presentation.as_json(report)["status"] == "preliminary"
    for table in (
        presentation.summary_table(report),
        presentation.breakdown_table(report, "gender"),
    ):
        assert table.note.startswith("Preliminära siffror")
