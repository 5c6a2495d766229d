"""Traceability: recommendation → actions → mandates and documents → interventions → their KPI
values over time → the report entries that assessed them; and back, from a mandate or an
intervention to the recommendations it answers."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.contenttypes.models import ContentType
from django.template import Context, Template
from django.test import RequestFactory
from django.urls import reverse

from etablera.accounts.roles import Role
from etablera.audits.models import EvidenceLink
from etablera.audits.selectors import recommendations_answered_by
from etablera.register.models import Enrolment, Participant, StatusCategory
from tests.audits.factories import ActionFactory, AuditFactory, RecommendationFactory, make_mandate
from tests.factories import BodyFactory
from tests.governance import builders as b


def link(source, target) -> EvidenceLink:
    field = "action" if source._meta.model_name == "action" else "recommendation"
    return EvidenceLink.objects.create(
        **{field: source},
        content_type=ContentType.objects.get_for_model(target),
        object_id=target.pk,
    )


def enrol(intervention, n: int, start=dt.date(2024, 3, 1)) -> None:
    status = StatusCategory.objects.order_by("pk").first()
    for _ in range(n):
        participant = Participant.objects.create(
            identity_kind="reserve",
            reserve_number=f"R-{Participant.objects.count() + 1}",
            owning_unit=intervention.provider_unit,
        )
        Enrolment.objects.create(
            participant=participant,
            intervention=intervention,
            start=start,
            status_at_start=status,
        )


@pytest.fixture
def chain(ks, sn):
    """R7 of the seed audit, answered by the labour-market mandate and its intervention."""
    rec = RecommendationFactory(
        audit=AuditFactory(audited_bodies=[ks]),
        addressed_to=[ks],
        text="Tillsammans med socialnämnden utveckla uppföljningen.",
    )
    action = ActionFactory(
        recommendation=rec,
        responsible_body=sn,
        description="Socialnämnden återrapporterar varje tertial",
    )
    mandate = b.commissioned(sn, ks, title="Arbetsmarknadsinsatser för nyanlända")
    link(action, mandate)
    doc = b.document(ks, title="Plattform för integrationssamverkan")
    link(rec, b.adopted_version(doc))
    intervention = b.intervention(sn, mandate=mandate, name="Språkpraktik")
    enrol(intervention, 3)
    period = b.period("2025H", kind="annual", start=dt.date(2025, 1, 1), end=dt.date(2025, 12, 31))
    approved = b.report(period, sn, status="submitted")
    entry = b.entry(approved, mandate=mandate)
    entry.assessment, entry.analysis = "partly", "Uppföljningen har kommit i gång."
    entry.save()
    draft = b.report(b.period("2026T1", status="open"), sn, status="draft")
    b.entry(draft, mandate=mandate)
    unrelated = make_mandate(ks, title="Orelaterat uppdrag")
    return {"rec": rec, "mandate": mandate, "intervention": intervention, "unrelated": unrelated}


def test_the_chain_from_recommendation_to_result(client, make_user, ks, chain):
    client.force_login(make_user(Role.STRATEGIST, body=ks))
    page = client.get(reverse("audits:recommendation", args=[chain["rec"].pk])).content.decode()
    trace = page[page.index("Spårbarhet: från rekommendation till resultat") :]
    assert "Socialnämnden återrapporterar varje tertial" in page  # the action
    assert "Arbetsmarknadsinsatser för nyanlända" in trace  # the mandate it links
    assert "Plattform för integrationssamverkan, version 1" in trace  # the document
    assert "Språkpraktik" in trace  # the intervention the mandate commissions
    assert "Aktiva deltagare per år" in trace  # its KPIs over time …
    assert '<td class="num suppressed"' in trace  # … where 3 participants are never shown
    assert ">3<" not in trace.split("Nyckeltal över tid")[1].split("Rapportposter")[0]
    assert "2025H" in trace and "Uppföljningen har kommit i gång." in trace  # the entry
    assert "Orelaterat uppdrag" not in trace


def test_the_chain_shows_only_what_the_reader_may_see(client, make_user, chain):
    client.force_login(make_user(Role.READER))
    page = client.get(reverse("audits:recommendation", args=[chain["rec"].pk])).content.decode()
    trace = page[page.index("Spårbarhet") :]
    # Readers see approved reports only: the submitted and draft entries are not shown.
    assert "2025H" not in trace and "2026T1" not in trace
    assert "Arbetsmarknadsinsatser för nyanlända" in trace


def test_the_trace_page_query_count_does_not_grow(
    client, make_user, ks, sn, chain, django_assert_max_num_queries
):
    client.force_login(make_user(Role.STRATEGIST, body=ks))
    url = reverse("audits:recommendation", args=[chain["rec"].pk])
    # Most of these are the KPI engine's: a fixed few per year shown.
    with django_assert_max_num_queries(80) as few:
        client.get(url)
    period = b.period("2024H", kind="annual", start=dt.date(2024, 1, 1), end=dt.date(2024, 12, 31))
    for i in range(8):
        action = ActionFactory(recommendation=chain["rec"], responsible_body=sn)
        mandate = b.commissioned(sn, ks, title=f"Uppdrag {i}")
        link(action, mandate)
        link(chain["rec"], b.adopted_version(b.document(ks, title=f"Dokument {i}")))
        intervention = b.intervention(sn, mandate=mandate, name=f"Insats {i}")
        enrol(intervention, 6)
        b.entry(b.report(period, BodyFactory(municipality=ks.municipality), "submitted"), mandate)
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = client.get(url).content.decode()
    assert "Insats 7" in page and "Uppdrag 7" in page


def test_a_mandate_and_its_intervention_answer_the_recommendation(make_user, chain):
    user = make_user(Role.READER)
    assert recommendations_answered_by(user, chain["mandate"]) == [chain["rec"]]
    assert recommendations_answered_by(user, chain["intervention"]) == [chain["rec"]]
    assert recommendations_answered_by(user, chain["unrelated"]) == []
    assert recommendations_answered_by(user, chain["mandate"])[0].state == "overdue"


def test_the_template_tag_for_mandate_and_intervention_pages(make_user, chain):
    request = RequestFactory().get("/")
    request.user = make_user(Role.READER)
    template = Template("{% load audits_tags %}{% answers_recommendations obj %}")
    html = template.render(Context({"request": request, "obj": chain["intervention"]}))
    assert "Svarar på granskningars rekommendationer" in html
    assert reverse("audits:recommendation", args=[chain["rec"].pk]) in html
    empty = template.render(Context({"request": request, "obj": chain["unrelated"]}))
    assert "Inte länkat som underlag" in empty
