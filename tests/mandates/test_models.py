"""The mandate register's invariants: in the database (constraints) and in ``clean`` (Swedish)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from etablera.accounts import policy
from etablera.accounts.roles import Role
from etablera.mandates.models import Decision, Mandate, Origin
from etablera.organisation.models import BodyKind
from tests.factories import BodyFactory, MunicipalityFactory, UnitFactory, user_with_role
from tests.mandates.factories import DecisionFactory, MandateFactory, PolicyAreaFactory

pytestmark = pytest.mark.django_db


def messages(exc: ValidationError, field: str) -> list[str]:
    return exc.value.message_dict.get(field, [])  # type: ignore[attr-defined]


def raw_mandate(**overrides) -> Mandate:
    """A mandate saved with ``objects.create``: no ``clean``, only the database's constraints."""
    owner = overrides.pop("owner", None) or BodyFactory()
    fields = {
        "title": "Uppdrag",
        "policy_area": PolicyAreaFactory(),
        "owner": owner,
        "performer_body": owner,
        "level": "operational",
        "origin": "ordinary",
    }
    fields.update(overrides)
    with transaction.atomic():
        return Mandate.objects.create(**fields)


# --- database constraints -------------------------------------------------------------------


def test_database_refuses_an_end_before_the_start():
    with pytest.raises(IntegrityError):
        raw_mandate(start=dt.date(2025, 5, 1), end=dt.date(2025, 1, 1))


def test_database_refuses_two_performers_or_none(unit):
    with pytest.raises(IntegrityError):
        raw_mandate(performer_unit=unit)  # and the performer body too
    with pytest.raises(IntegrityError):
        raw_mandate(performer_body=None)


def test_database_refuses_a_commissioned_mandate_without_commissioner():
    with pytest.raises(IntegrityError):
        raw_mandate(origin="commissioned_ks")


def test_database_refuses_an_ordinary_mandate_with_a_commissioner():
    with pytest.raises(IntegrityError):
        raw_mandate(commissioned_by=BodyFactory())


def test_database_refuses_unknown_level_origin_and_status():
    with pytest.raises(IntegrityError):
        raw_mandate(level="tactical")
    with pytest.raises(IntegrityError):
        raw_mandate(status="paused")
    with pytest.raises(IntegrityError):
        raw_mandate(origin="gift", commissioned_by=BodyFactory())


def test_database_refuses_a_follow_up_role_without_a_body():
    with pytest.raises(IntegrityError):
        raw_mandate(follow_up_role="Förvaltningschef")


def test_database_accepts_a_commissioned_mandate_without_decision():
    mandate = raw_mandate(origin="commissioned_ks", commissioned_by=BodyFactory())
    assert mandate.missing_decision


def test_decision_section_is_unique_per_body_and_day_but_may_be_empty():
    decision = DecisionFactory(section="§ 123")
    with pytest.raises(IntegrityError), transaction.atomic():
        Decision.objects.create(
            body=decision.body, date=decision.date, section="§ 123", title="Dubblett"
        )
    for title in ("Utan paragraf 1", "Utan paragraf 2"):
        Decision.objects.create(body=decision.body, date=decision.date, section="", title=title)


# --- clean: the same rules with Swedish messages --------------------------------------------


def build(**fields) -> Mandate:
    """An unsaved mandate with saved related objects, ready for ``full_clean``."""
    fields.setdefault("policy_area", PolicyAreaFactory())
    return MandateFactory.build(**fields)


def test_end_before_start_has_a_swedish_message_on_the_end():
    mandate = build(owner=BodyFactory(), start=dt.date(2025, 5, 1), end=dt.date(2025, 1, 1))
    with pytest.raises(ValidationError) as exc:
        mandate.full_clean()
    assert messages(exc, "end") == ["Slutdatum kan inte ligga före startdatum."]


def test_performer_outside_the_municipality_is_refused(municipality):
    other = MunicipalityFactory(code="1488", name="Trollhättans stad")
    foreign = BodyFactory(municipality=other, name="Arbetsmarknadsnämnden")
    mandate = build(owner=BodyFactory(municipality=municipality), performer_body=foreign)
    with pytest.raises(ValidationError) as exc:
        mandate.full_clean()
    assert messages(exc, "performer_body") == [
        "Utföraren Arbetsmarknadsnämnden hör inte till Testkommunen."
    ]


def test_performer_unit_outside_the_municipality_is_refused(municipality):
    other = MunicipalityFactory(code="1488", name="Trollhättans stad")
    unit = UnitFactory(body=BodyFactory(municipality=other), name="Jobbtorget")
    mandate = build(owner=BodyFactory(municipality=municipality), performer_unit=unit)
    with pytest.raises(ValidationError) as exc:
        mandate.full_clean()
    assert messages(exc, "performer_unit") == ["Enheten Jobbtorget hör inte till Testkommunen."]


def test_commissioned_without_commissioner_is_refused():
    mandate = build(owner=BodyFactory(), origin=Origin.COMMISSIONED_KS)
    with pytest.raises(ValidationError) as exc:
        mandate.full_clean()
    assert "Ange uppdragsgivare" in messages(exc, "commissioned_by")[0]


def test_ordinary_with_commissioner_is_refused(ks):
    mandate = build(owner=BodyFactory(), commissioned_by=ks)
    with pytest.raises(ValidationError) as exc:
        mandate.full_clean()
    assert "Ett ordinarie uppdrag har ingen uppdragsgivare" in messages(exc, "commissioned_by")[0]


def test_commission_from_ks_must_come_from_ks(body):
    mandate = build(owner=BodyFactory(), origin=Origin.COMMISSIONED_KS, commissioned_by=body)
    with pytest.raises(ValidationError) as exc:
        mandate.full_clean()
    assert messages(exc, "commissioned_by") == ["Ett uppdrag från kommunstyrelsen beställs av KS."]


def test_decision_of_another_body_than_the_commissioner_is_refused(ks, body):
    decision = DecisionFactory(body=body)
    mandate = build(
        owner=BodyFactory(), origin=Origin.COMMISSIONED_KS, commissioned_by=ks, decision=decision
    )
    with pytest.raises(ValidationError) as exc:
        mandate.full_clean()
    assert messages(exc, "decision") == [
        f"Beslutet är fattat av {body.short_name}, men uppdragsgivaren är KS."
    ]


def test_external_partner_cannot_own_a_mandate(municipality):
    partner = BodyFactory(municipality=municipality, kind=BodyKind.EXTERNAL_PARTNER)
    mandate = build(owner=partner, performer_body=partner, follow_up_body=None)
    with pytest.raises(ValidationError) as exc:
        mandate.full_clean()
    assert "inte en extern part" in messages(exc, "owner")[0]


def test_agreement_is_commissioned_by_the_partner(municipality):
    partner = BodyFactory(municipality=municipality, kind=BodyKind.EXTERNAL_PARTNER)
    owner = BodyFactory(municipality=municipality)
    good = build(owner=owner, origin=Origin.AGREEMENT, commissioned_by=partner)
    good.full_clean()
    bad = build(owner=owner, origin=Origin.AGREEMENT, commissioned_by=owner)
    with pytest.raises(ValidationError) as exc:
        bad.full_clean()
    assert messages(exc, "commissioned_by") == ["Vid avtal är uppdragsgivaren den externa parten."]


def test_commissioned_mandate_without_decision_is_valid_and_flagged(ks):
    mandate = build(owner=BodyFactory(), origin=Origin.COMMISSIONED_KS, commissioned_by=ks)
    mandate.full_clean()
    assert mandate.missing_decision
    assert not mandate.missing_follow_up


def test_flags_and_labels(unit):
    mandate = MandateFactory(owner=unit.body, performer_unit=unit, follow_up_body=None)
    mandate.follow_up_role = ""
    assert mandate.performer == unit
    assert mandate.performer_body_effective == unit.body
    assert mandate.performer_label == f"{unit.body.short_name} – {unit.name}"
    assert mandate.missing_follow_up and not mandate.missing_decision
    assert mandate.follow_up_label == ""
    assert mandate.origin_short == "Ordinarie"


def test_decision_reference_reads_like_the_minutes(ks):
    decision = DecisionFactory(
        body=ks, date=dt.date(2017, 5, 17), section="123", case_number="KS 2017/245"
    )
    assert decision.reference == "KS 2017-05-17 § 123, dnr KS 2017/245"
    decision.section, decision.case_number = "", ""
    assert decision.reference == "KS 2017-05-17"


# --- the anchor: where a mandate sits for scoped rules of other apps -------------------------


@pytest.mark.parametrize("where", ["owner", "performer_body", "follow_up_body", "unit"])
def test_anchor_places_a_mandate_at_owner_performer_follow_up_and_unit(where):
    home, away = BodyFactory(), BodyFactory()
    home_unit = UnitFactory(body=home)
    fields = {"owner": away, "performer_body": away, "follow_up_body": away}
    if where == "unit":
        fields.update(performer_body=None, performer_unit=home_unit)
    else:
        fields[where] = home
    mandate = MandateFactory(**fields)
    elsewhere = MandateFactory(owner=away)
    policy.allow("test.mandates.scoped", Role.REPORTER, Role.COACH, scoped=True)
    try:
        reporter = user_with_role(Role.REPORTER, body=home)
        seen = set(policy.scope(reporter, "test.mandates.scoped", Mandate.objects.all()))
        assert seen == {mandate}
        coach = user_with_role(Role.COACH, unit=home_unit)
        seen_by_coach = set(policy.scope(coach, "test.mandates.scoped", Mandate.objects.all()))
        assert seen_by_coach == ({mandate} if where == "unit" else set())
        assert elsewhere not in seen
    finally:
        policy._registry.clauses.pop("test.mandates.scoped")
