"""Writing a report: progress and the summary first, one primary action, no hand-in before the
period has begun, and the reporters told when a period opens."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse

from etablera.accounts.roles import Role
from etablera.followup import services
from etablera.followup.models import Period, PeriodKind, ReportStatus

from .conftest import assess_all


def test_the_form_opens_with_progress_and_the_summary(client, world, sn_reporter):
    entries = list(world.sn_report.entries.order_by("order"))
    services.update_report(
        world.sn_report,
        {entries[0].pk: {"assessment": "met", "analysis": "Klart.", "measures": ""}},
        actor=None,
    )
    client.force_login(sn_reporter)
    html = client.get(reverse("followup:report-edit", args=[world.sn_report.pk])).content.decode()
    assert f"1 av {len(entries)} bedömda" in html
    assert html.index('id="sammanfattning"') < html.index(f'id="post-{entries[0].pk}"')
    # Saving is the primary action while something is left to assess.
    save = html[html.index('value="save"') - 60 : html.index('value="save"') + 40]
    submit = html[html.index('value="submit"') : html.index('value="submit"') + 60]
    assert 'class="button"' in save and "button--secondary" in submit


def test_once_all_is_assessed_handing_in_is_the_primary_action(client, world, sn_reporter):
    assess_all(world.sn_report)
    client.force_login(sn_reporter)
    html = client.get(reverse("followup:report-edit", args=[world.sn_report.pk])).content.decode()
    submit = html[html.index('value="submit"') : html.index('value="submit"') + 60]
    assert 'class="button"' in submit


@pytest.fixture
def future(world):
    start = dt.date.today() + dt.timedelta(days=30)
    period = Period.objects.create(
        code=f"{start.year + 1}H",
        name="Kommande helår",
        kind=PeriodKind.ANNUAL,
        start=start,
        end=start + dt.timedelta(days=100),
        deadline=start + dt.timedelta(days=120),
    )
    services.open_period(period, actor=None)
    return period.reports.get(body=world.sn)


def test_a_report_cannot_be_handed_in_before_its_period_begins(client, future, sn_reporter):
    assess_all(future)
    with pytest.raises(ValidationError) as refused:
        services.submit_report(future, actor=None)
    assert refused.value.code == "period_not_started"
    client.force_login(sn_reporter)
    url = reverse("followup:report-edit", args=[future.pk])
    html = client.get(url).content.decode()
    assert "har inte börjat ännu" in html
    future.refresh_from_db()
    assert future.status == ReportStatus.DRAFT


def test_reporters_are_emailed_when_a_period_opens(
    world, make_user, django_capture_on_commit_callbacks
):
    reporter = make_user(Role.REPORTER, body=world.sn)
    reporter.email = "rapportor@example.se"
    reporter.save()
    unit_reporter = make_user(Role.REPORTER, unit=world.unit)
    unit_reporter.email = "enhet@example.se"
    unit_reporter.save()
    other = make_user(Role.REPORTER, body=world.ks)
    other.email = ""
    other.save()
    period = Period.objects.create(
        code="2024H",
        name="Helår 2024",
        kind=PeriodKind.ANNUAL,
        start=dt.date(2024, 1, 1),
        end=dt.date(2024, 12, 31),
        deadline=dt.date(2025, 2, 15),
    )
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.open_period(period, actor=None)
    to = sorted(address for message in mail.outbox for address in message.to)
    assert to == ["enhet@example.se", "rapportor@example.se"]
    message = next(m for m in mail.outbox if m.to == ["rapportor@example.se"])
    assert "Helår 2024" in message.subject and "2025-02-15" in message.body
    report = period.reports.get(body=world.sn)
    assert reverse("followup:report-edit", args=[report.pk]) in message.body
    # Opening again tells nobody twice.
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.open_period(period, actor=None)
    assert mail.outbox == []


def test_approval_offers_the_approving_bodys_decisions_with_date_section_and_title(world):
    from etablera.followup.forms import ApproveForm
    from tests.factories import BodyFactory
    from tests.mandates.factories import DecisionFactory

    elsewhere = DecisionFactory(body=BodyFactory(municipality=world.municipality))
    too_early = DecisionFactory(body=world.ks, date=dt.date(2020, 1, 1))
    form = ApproveForm(report=world.sn_report)
    choices = {label for _value, label in form.fields["decision"].choices}
    decisions = list(form.fields["decision"].queryset)
    assert world.approval in decisions
    assert elsewhere not in decisions and too_early not in decisions
    assert f"{world.approval.reference} – Uppföljning helår" in choices


def test_the_period_form_fills_in_what_the_code_says_as_it_is_typed(client, strategist):
    client.force_login(strategist)
    url = reverse("followup:period-create")
    page = client.get(url).content.decode()
    assert 'hx-post="/uppfoljning/perioder/ny/"' in page and "hx-swap=" in page
    response = client.post(
        url, {"code": "2026t1", "fill": "1", "name": "Eget namn"}, HTTP_HX_REQUEST="true"
    )
    html = response.content.decode()
    assert 'id="id_start"' in html and 'value="2026-01-01"' in html
    assert 'value="2026-04-30"' in html and 'value="2026-06-11"' in html  # end + six weeks
    assert 'hx-swap-oob="true"' in html
    assert 'id="id_name"' not in html  # what the user wrote is left alone
    assert not Period.objects.filter(code="2026T1").exists()
    nothing = client.post(url, {"code": "hösten", "fill": "1"}, HTTP_HX_REQUEST="true")
    assert nothing.content.decode().strip() == ""
