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


def _posted(report, analysis: str, *, version=None, assessment="met", action="save") -> dict:
    """The report form as the browser posts it, every entry with ``analysis``."""
    report.refresh_from_db()
    data = {
        "action": action,
        "version": report.version if version is None else version,
        "report-summary": "Sammanfattning.",
    }
    for entry in report.entries.all():
        data[f"entry-{entry.pk}-assessment"] = assessment
        data[f"entry-{entry.pk}-analysis"] = analysis
        data[f"entry-{entry.pk}-measures"] = "Åtgärd."
    return data


def test_the_draft_is_saved_as_it_is_typed(client, world, sn_reporter):
    report = world.sn_report
    client.force_login(sn_reporter)
    page = client.get(reverse("followup:report-edit", args=[report.pk])).content.decode()
    autosave = reverse("followup:report-autosave", args=[report.pk])
    # htmx posts the form a moment after typing stops: attributes, no inline script (CSP).
    assert f'hx-post="{autosave}"' in page and 'hx-trigger="input changed delay:2s' in page
    assert "<script>" not in page and 'role="status"' in page
    before = report.version
    response = client.post(
        autosave,
        _posted(report, "Skrivet, inte sparat för hand.", action="submit"),
        HTTP_HX_REQUEST="true",
    )
    html = response.content.decode()
    assert response.status_code == 200 and "sparades automatiskt" in html
    report.refresh_from_db()
    assert report.version == before + 1
    # The new version goes into the form out of band, so the next save is not refused.
    assert f'name="version" value="{report.version}" id="id_version" hx-swap-oob="true"' in html
    # An autosave never hands the report in, and queues no message for the next page.
    assert report.status == ReportStatus.DRAFT
    assert set(report.entries.values_list("analysis", flat=True)) == {
        "Skrivet, inte sparat för hand."
    }
    assert "Utkastet är sparat" not in client.get(reverse("home")).content.decode()


def test_two_writers_never_silently_overwrite_each_other(client, world, sn_reporter, make_user):
    report = world.sn_report
    colleague = make_user(Role.REPORTER, body=world.sn)
    colleague.first_name, colleague.last_name = "Karin", "Kollega"
    colleague.save()
    url = reverse("followup:report-edit", args=[report.pk])
    read = report.version  # both open the form
    client.force_login(colleague)
    assert client.post(url, _posted(report, "Karins text.", version=read)).status_code == 302

    client.force_login(sn_reporter)
    response = client.post(url, _posted(report, "Min text.", version=read))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Karin Kollega sparade rapporten" in html and "Dina ändringar är inte sparade" in html
    # The writer's text is kept in the form, the other's saved text shown beside it.
    assert "\nMin text.</textarea>" in html and "Karins text." in html
    assert set(report.entries.values_list("analysis", flat=True)) == {"Karins text."}
    # Autosave is off until the writer has compared; the form now carries the saved version.
    assert "hx-post" not in html[html.index("<form") : html.index(">", html.index("<form"))]
    report.refresh_from_db()
    assert f'name="version" value="{report.version}"' in html
    # An autosave with the old version is refused too, and says so.
    stale = client.post(
        reverse("followup:report-autosave", args=[report.pk]),
        _posted(report, "Min text.", version=read),
        HTTP_HX_REQUEST="true",
    ).content.decode()
    assert "Sparas inte automatiskt" in stale
    assert 'name="version"' not in stale  # the form keeps the version the writer read
    assert set(report.entries.values_list("analysis", flat=True)) == {"Karins text."}
    # Saving again, with the version now shown, replaces it knowingly.
    assert client.post(url, _posted(report, "Min text.")).status_code == 302
    assert set(report.entries.values_list("analysis", flat=True)) == {"Min text."}


def test_a_writers_own_newer_save_is_no_conflict(client, world, sn_reporter):
    """An autosave still under way when the writer pressed save is their own."""
    report = world.sn_report
    read = report.version
    client.force_login(sn_reporter)
    autosave = reverse("followup:report-autosave", args=[report.pk])
    client.post(autosave, _posted(report, "Autosparat.", version=read), HTTP_HX_REQUEST="true")
    url = reverse("followup:report-edit", args=[report.pk])
    assert client.post(url, _posted(report, "Sparat.", version=read)).status_code == 302
    assert set(report.entries.values_list("analysis", flat=True)) == {"Sparat."}


def test_what_was_written_is_kept_when_handing_in_is_refused(client, future, sn_reporter):
    client.force_login(sn_reporter)
    url = reverse("followup:report-edit", args=[future.pk])
    response = client.post(url, _posted(future, "Skrivet före periodens start.", action="submit"))
    html = response.content.decode()
    assert response.status_code == 200 and "har inte börjat" in html
    assert html.count("\nSkrivet före periodens start.</textarea>") == future.entries.count()
    future.refresh_from_db()
    assert future.status == ReportStatus.DRAFT
    # Refused whole: not even the draft's texts were half-saved.
    assert not future.entries.filter(analysis__contains="före periodens").exists()


def test_a_handed_in_report_is_not_autosaved(client, world, sn_reporter):
    report = world.sn_report
    assess_all(report)
    services.submit_report(report, actor=None)
    client.force_login(sn_reporter)
    html = client.post(
        reverse("followup:report-autosave", args=[report.pk]),
        _posted(report, "Efter inlämning."),
        HTTP_HX_REQUEST="true",
    ).content.decode()
    assert "kan inte ändras" in html
    assert not report.entries.filter(analysis="Efter inlämning.").exists()
