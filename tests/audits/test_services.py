"""The audit workflow's rules, in the services: bad input refused with a Swedish message and
nothing saved; each party writes only its own part."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError

from etablera.accounts.roles import Role
from etablera.audits import services
from etablera.audits.models import (
    Action,
    ActionStatus,
    Assessment,
    AuditorFollowUp,
    EvidenceLink,
    Response,
)
from etablera.followup.models import Period, Report
from tests.audits.factories import (
    ActionFactory,
    AuditFactory,
    RecommendationFactory,
    make_mandate,
)
from tests.factories import BodyFactory


@pytest.fixture
def rec(ks):
    return RecommendationFactory(audit=AuditFactory(audited_bodies=[ks]), addressed_to=[ks])


def messages_of(exc: ValidationError) -> str:
    return " ".join(str(m) for m in exc.messages)


# --- responses ---------------------------------------------------------------------------------


def test_the_addressed_body_responds(rec, ks, make_user):
    user = make_user(Role.STRATEGIST, body=ks)
    response = services.save_response(
        Response(recommendation=rec, body=ks, date=dt.date(2022, 11, 20), text="Vi åtgärdar."),
        actor=user,
    )
    assert response.audit == rec.audit
    assert not response.is_late


def test_a_response_from_a_body_not_addressed_is_refused(rec, sn, make_user):
    user = make_user(Role.REPORTER, body=sn)
    with pytest.raises(ValidationError) as err:
        services.save_response(
            Response(recommendation=rec, body=sn, date=dt.date(2022, 11, 20), text="Svar"),
            actor=user,
        )
    assert "Socialnämnden kan inte svara: rekommendationen är inte riktad till organet." in (
        messages_of(err.value)
    )
    assert not Response.objects.exists()


def test_a_response_for_a_body_outside_the_users_scope_is_refused(rec, ks, sn, make_user):
    user = make_user(Role.REPORTER, body=sn)
    with pytest.raises(ValidationError) as err:
        services.save_response(
            Response(recommendation=rec, body=ks, date=dt.date(2022, 11, 20), text="Svar"),
            actor=user,
        )
    assert "företräder" in messages_of(err.value)
    assert not Response.objects.exists()


def test_a_response_after_the_deadline_is_saved_and_marked_late(rec, ks, make_user):
    user = make_user(Role.STRATEGIST, body=ks)
    response = services.save_response(
        Response(recommendation=rec, body=ks, date=dt.date(2023, 1, 10), text="Sent svar"),
        actor=user,
    )
    assert response.is_late


# --- actions -----------------------------------------------------------------------------------


def test_an_action_due_before_the_audit_was_published_is_refused(rec, ks, make_user):
    user = make_user(Role.STRATEGIST, body=ks)
    action = Action(
        recommendation=rec,
        description="Ta fram en ansvarsmatris",
        responsible_body=ks,
        responsible_person="Kommundirektören",
        due_date=dt.date(2022, 1, 31),
    )
    with pytest.raises(ValidationError) as err:
        services.save_action(action, actor=user)
    assert "Åtgärden kan inte ha ett slutdatum före granskningens publicering (2022-09-30)." in (
        messages_of(err.value)
    )
    assert not Action.objects.exists()


def test_the_addressed_body_hands_an_action_to_another_body(rec, ks, sn, make_user):
    user = make_user(Role.STRATEGIST, body=ks)
    action = services.save_action(
        Action(
            recommendation=rec,
            description="Socialnämnden återrapporterar varje tertial",
            responsible_body=sn,
            responsible_person="Socialchefen",
            due_date=dt.date(2024, 6, 30),
        ),
        actor=user,
    )
    assert action.pk
    # … and the responsible body's reporter may then report its progress.
    reporter = make_user(Role.REPORTER, body=sn)
    action.status = ActionStatus.DONE
    services.save_action(action, actor=reporter)
    action.refresh_from_db()
    assert action.status == ActionStatus.DONE
    assert action.completed_on is not None


def test_a_body_neither_addressed_nor_responsible_may_not_add_an_action(rec, sn, make_user):
    other = BodyFactory(municipality=sn.municipality)
    user = make_user(Role.REPORTER, body=sn)
    with pytest.raises(ValidationError):
        services.save_action(
            Action(
                recommendation=rec,
                description="x",
                responsible_body=other,
                responsible_person="y",
                due_date=dt.date(2024, 1, 1),
            ),
            actor=user,
        )
    assert not Action.objects.exists()


def test_an_auditor_cannot_change_a_bodys_action(rec, ks, make_user):
    action = ActionFactory(recommendation=rec, responsible_body=ks)
    auditor = make_user(Role.AUDITOR)
    action.status = ActionStatus.DONE
    with pytest.raises(PermissionDenied):
        services.save_action(action, actor=auditor)
    action.refresh_from_db()
    assert action.status == ActionStatus.NOT_STARTED


def test_completed_on_follows_the_status(rec, ks, make_user):
    user = make_user(Role.STRATEGIST, body=ks)
    action = ActionFactory(recommendation=rec, responsible_body=ks)
    action.status = ActionStatus.DONE
    action.completed_on = dt.date(2023, 5, 1)
    services.save_action(action, actor=user)
    action.status = ActionStatus.ONGOING
    services.save_action(action, actor=user)
    action.refresh_from_db()
    assert action.completed_on is None


def test_the_database_refuses_a_completion_date_on_an_open_action(rec, ks):
    with pytest.raises(IntegrityError):
        ActionFactory(
            recommendation=rec, responsible_body=ks, status="ongoing", completed_on=dt.date.today()
        )


def test_overdue_means_past_due_and_neither_done_nor_dropped(rec, ks):
    today = dt.date(2024, 1, 1)
    late = ActionFactory(recommendation=rec, due_date=dt.date(2023, 6, 30), status="ongoing")
    ActionFactory(recommendation=rec, due_date=dt.date(2023, 6, 30), status="done")
    ActionFactory(recommendation=rec, due_date=dt.date(2023, 6, 30), status="dropped")
    ActionFactory(recommendation=rec, due_date=dt.date(2024, 6, 30), status="not_started")
    assert list(Action.objects.overdue(today)) == [late]
    assert late.is_overdue(today)


# --- the auditors' follow-up --------------------------------------------------------------------


def test_the_auditors_record_their_assessment(rec, make_user):
    auditor = make_user(Role.AUDITOR)
    follow_up = services.record_follow_up(
        AuditorFollowUp(
            recommendation=rec, date=dt.date(2023, 11, 24), assessment=Assessment.ADDRESSED
        ),
        actor=auditor,
    )
    assert follow_up.recorded_by == auditor


@pytest.mark.parametrize("role", [Role.REPORTER, Role.STRATEGIST, Role.READER])
def test_no_one_but_the_auditors_records_their_assessment(rec, ks, make_user, role):
    user = make_user(role, body=ks)
    with pytest.raises(PermissionDenied):
        services.record_follow_up(
            AuditorFollowUp(recommendation=rec, date=dt.date(2023, 11, 24), assessment="addressed"),
            actor=user,
        )
    assert not AuditorFollowUp.objects.exists()


def test_a_follow_up_before_the_audit_is_refused(rec, make_user):
    with pytest.raises(ValidationError) as err:
        services.record_follow_up(
            AuditorFollowUp(recommendation=rec, date=dt.date(2020, 1, 1), assessment="addressed"),
            actor=make_user(Role.AUDITOR),
        )
    assert "före granskningens publicering" in messages_of(err.value)


# --- evidence ---------------------------------------------------------------------------------


def test_evidence_links_a_visible_mandate_once(rec, ks, make_user):
    user = make_user(Role.STRATEGIST, body=ks)
    action = ActionFactory(recommendation=rec, responsible_body=ks)
    mandate = make_mandate(ks)
    link = services.add_evidence(action, mandate, actor=user, note="Ansvarsmatrisen")
    assert link.target == mandate
    with pytest.raises(ValidationError) as err:
        services.add_evidence(action, mandate, actor=user)
    assert "redan länkat" in messages_of(err.value)
    assert EvidenceLink.objects.count() == 1


def _draft_report(body):
    period = Period.objects.create(
        code="2025T1",
        name="Tertial 1 2025",
        kind="tertial",
        start=dt.date(2025, 1, 1),
        end=dt.date(2025, 4, 30),
        deadline=dt.date(2025, 5, 15),
    )
    return Report.objects.create(period=period, body=body)


def test_evidence_to_an_object_the_user_cannot_see_is_refused(rec, ks, sn, make_user):
    """A reporter of SN may not see KS's draft report, so may not link it (nor learn of it)."""
    action = ActionFactory(recommendation=rec, responsible_body=sn)
    hidden = _draft_report(ks)
    user = make_user(Role.REPORTER, body=sn)
    with pytest.raises(ValidationError) as err:
        services.add_evidence(action, hidden, actor=user)
    assert "du inte behörighet att se det" in messages_of(err.value)
    # The same message for an id that does not exist: nothing is disclosed.
    with pytest.raises(ValidationError) as missing:
        services.add_evidence_by_reference(action, 999_999, 1, actor=user)
    assert messages_of(missing.value) == messages_of(err.value)
    assert not EvidenceLink.objects.exists()
    # The strategist, who sees every report, may link it.
    strategist = make_user(Role.STRATEGIST, body=ks)
    assert services.add_evidence(action, hidden, actor=strategist).pk


def test_evidence_to_a_model_not_in_the_registry_is_refused(rec, ks, make_user):
    user = make_user(Role.STRATEGIST, body=ks)
    with pytest.raises(ValidationError):
        services.add_evidence(rec, ks, actor=user)  # a Body is not evidence
    assert not EvidenceLink.objects.exists()


def test_evidence_on_another_bodys_recommendation_is_forbidden(rec, sn, make_user):
    user = make_user(Role.REPORTER, body=sn)
    with pytest.raises(PermissionDenied):
        services.add_evidence(rec, make_mandate(sn), actor=user)


# --- the auditors' part is the auditors' -----------------------------------------------------


def test_a_reporter_cannot_register_an_audit(make_user, ks):
    from etablera.audits.models import Audit

    with pytest.raises(PermissionDenied):
        services.save_audit(
            Audit(title="x", auditor_firm="y", published_on=dt.date(2022, 1, 1), purpose="z"),
            actor=make_user(Role.REPORTER, body=ks),
            audited_bodies=[ks],
        )


def test_a_recommendation_needs_an_addressee(make_user, ks):
    from etablera.audits.models import Recommendation

    audit = AuditFactory(audited_bodies=[ks])
    with pytest.raises(ValidationError) as err:
        services.save_recommendation(
            Recommendation(audit=audit, number=1, text="x"),
            actor=make_user(Role.AUDITOR),
            addressed_to=[],
        )
    assert "minst ett organ" in messages_of(err.value)
    assert not Recommendation.objects.exists()


def test_response_deadline_before_publication_is_refused(make_user, ks):
    from etablera.audits.models import Audit

    with pytest.raises(ValidationError) as err:
        services.save_audit(
            Audit(
                title="x",
                auditor_firm="KPMG",
                published_on=dt.date(2022, 9, 30),
                response_deadline=dt.date(2022, 1, 1),
                purpose="z",
            ),
            actor=make_user(Role.AUDITOR),
            audited_bodies=[ks],
        )
    assert "Svarsdatumet kan inte ligga före publiceringsdatumet." in messages_of(err.value)
