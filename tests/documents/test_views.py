"""Document pages: who sees and does what, bad input, and pinned query counts."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from etablera.accounts.roles import Role
from etablera.documents import services
from etablera.documents.models import (
    Acknowledgement,
    Distribution,
    DocumentVersion,
    SteeringDocument,
    VersionStatus,
)
from tests.documents.factories import (
    DecisionFactory,
    SteeringDocumentFactory,
    adopted_version,
    distribution_to,
    draft_version,
)
from tests.documents.html import field_error
from tests.factories import OPERATOR, BodyFactory, UnitFactory

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


@pytest.fixture
def strategist(make_user, body):
    return make_user(Role.STRATEGIST, body=body)


@pytest.fixture
def reporter(make_user, body):
    return make_user(Role.REPORTER, body=body)


def _html(response) -> str:
    return response.content.decode()


# --- the list -------------------------------------------------------------------------------


def test_list_shows_review_dates_and_marks_overdue_ones(client, make_user, body):
    SteeringDocumentFactory(title="Gammal riktlinje", review_by=TODAY - dt.timedelta(days=1))
    SteeringDocumentFactory(title="Ny plattform", review_by=TODAY + dt.timedelta(days=100))
    client.force_login(make_user(Role.READER))
    response = client.get(reverse("documents:document-list"))
    html = _html(response)
    assert response.status_code == 200
    assert "Gammal riktlinje" in html and "Ny plattform" in html
    assert html.count("Revision försenad") == 1
    assert f"{TODAY - dt.timedelta(days=1):%Y-%m-%d}" in html
    assert reverse("documents:document-create") not in html  # readers do not create


def test_list_filters_by_overdue_review_and_text(client, make_user):
    SteeringDocumentFactory(title="Gammal riktlinje", review_by=TODAY - dt.timedelta(days=1))
    SteeringDocumentFactory(title="Ny plattform")
    client.force_login(make_user(Role.AUDITOR))
    html = _html(client.get(reverse("documents:document-list"), {"past_review": "on"}))
    assert "Gammal riktlinje" in html and "Ny plattform" not in html
    html = _html(client.get(reverse("documents:document-list"), {"text": "plattform"}))
    assert "Ny plattform" in html and "Gammal riktlinje" not in html


def test_list_shows_the_current_version_and_its_coverage(client, make_user, body, other_body):
    version = adopted_version(SteeringDocumentFactory(title="Plattformen"))
    distribution_to(body, version)
    distribution_to(other_body, version, deadline=TODAY - dt.timedelta(days=2))
    client.force_login(make_user(Role.READER))
    html = _html(client.get(reverse("documents:document-list")))
    assert reverse("documents:version-detail", args=[version.pk]) in html
    assert "0 av 2" in html and "1 försenad" in html


def _fill(count: int, bodies) -> None:
    for i in range(count):
        version = adopted_version(SteeringDocumentFactory(title=f"Dokument {i:03}"))
        for j, body in enumerate(bodies):
            distribution = distribution_to(body, version)
            if j % 2 == 0:
                Acknowledgement.objects.create(
                    distribution=distribution,
                    acknowledged_by=version.created_by or _any_user(),
                    text="Tillämpas.",
                )
        draft_version(version.document)


def _any_user():
    from tests.factories import UserFactory

    return UserFactory()


def test_list_query_count_does_not_grow_with_rows(
    client, make_user, municipality, django_assert_max_num_queries
):
    client.force_login(make_user(Role.READER))
    bodies = BodyFactory.create_batch(3, municipality=municipality)
    _fill(2, bodies)
    with django_assert_max_num_queries(10) as few:
        client.get(reverse("documents:document-list"))
    _fill(25, bodies)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(reverse("documents:document-list"))
    assert _html(response).count("/styrdokument/versioner/") >= 27


# --- detail, create and edit ----------------------------------------------------------------


def test_strategist_creates_a_document_and_a_version_and_adopts_it(client, strategist, body):
    client.force_login(strategist)
    response = client.post(
        reverse("documents:document-create"),
        {
            "kind": "platform",
            "title": "Plattform för integrationssamverkan",
            "owner": body.pk,
            "review_by": "2027-12-31",
            "description": "Gemensam plattform.",
        },
    )
    document = SteeringDocument.objects.get(title="Plattform för integrationssamverkan")
    assert response.status_code == 302
    response = client.post(
        reverse("documents:version-create", args=[document.pk]),
        {"text": "# Plattform\n\n**Syfte:** samverkan.", "changes": "Första versionen."},
    )
    version = DocumentVersion.objects.get(document=document)
    assert response["Location"] == reverse("documents:version-detail", args=[version.pk])
    html = _html(client.get(response["Location"]))
    assert "<strong>Syfte:</strong>" in html and "<h2>Plattform</h2>" in html
    decision = DecisionFactory(body=body)
    response = client.post(
        reverse("documents:version-adopt", args=[version.pk]),
        {"decision": decision.pk, "review_by": ""},
    )
    assert response.status_code == 302
    version.refresh_from_db()
    assert version.status == VersionStatus.ADOPTED and version.decision == decision


def test_document_without_review_date_is_refused_in_swedish(client, strategist, body):
    client.force_login(strategist)
    response = client.post(
        reverse("documents:document-create"),
        {"kind": "platform", "title": "X", "owner": body.pk, "review_by": ""},
    )
    assert response.status_code == 200
    assert "Det här fältet är obligatoriskt." in field_error(_html(response), "review_by")
    assert not SteeringDocument.objects.exists()


def test_edit_form_shows_the_existing_document(client, strategist):
    document = SteeringDocumentFactory(title="Rutin för mottagande")
    client.force_login(strategist)
    response = client.get(reverse("documents:document-edit", args=[document.pk]))
    assert response.status_code == 200
    assert "Rutin för mottagande" in _html(response)
    response = client.post(
        reverse("documents:document-edit", args=[document.pk]),
        {
            "kind": "routine",
            "title": "Rutin för mottagande av nyanlända",
            "owner": document.owner_id,
            "review_by": "2028-01-31",
        },
    )
    document.refresh_from_db()
    assert document.title == "Rutin för mottagande av nyanlända"


@pytest.mark.parametrize("role", [Role.READER, Role.REPORTER, Role.AUDITOR, Role.COACH, Role.ADMIN])
def test_only_strategists_create_change_adopt_and_distribute(client, make_user, body, role):
    document = SteeringDocumentFactory()
    draft = draft_version(document)
    adopted = adopted_version()
    client.force_login(make_user(role, body=body) if role != Role.COACH else make_user(role))
    assert client.get(reverse("documents:document-create")).status_code == 403
    assert client.get(reverse("documents:document-edit", args=[document.pk])).status_code == 403
    assert (
        client.post(
            reverse("documents:version-create", args=[document.pk]), {"text": "Ny"}
        ).status_code
        == 403
    )
    assert client.get(reverse("documents:version-edit", args=[draft.pk])).status_code == 403
    assert (
        client.post(
            reverse("documents:version-adopt", args=[draft.pk]),
            {"decision": DecisionFactory().pk},
        ).status_code
        == 403
    )
    assert (
        client.post(
            reverse("documents:version-distribute", args=[adopted.pk]),
            {"bodies": [body.pk], "deadline": f"{TODAY:%Y-%m-%d}"},
        ).status_code
        == 403
    )
    draft.refresh_from_db()
    assert draft.status == VersionStatus.DRAFT
    assert not Distribution.objects.exists()


def test_everyone_reads_documents_versions_and_coverage(client, make_user, body):
    version = adopted_version()
    distribution_to(body, version)
    for role in Role:
        client.force_login(make_user(role))
        for url in (
            reverse("documents:document-list"),
            reverse("documents:document-detail", args=[version.document_id]),
            reverse("documents:version-detail", args=[version.pk]),
            reverse("documents:version-coverage", args=[version.pk]),
            reverse("documents:coverage"),
            reverse("documents:body-coverage", args=[body.pk]),
        ):
            assert client.get(url).status_code == 200, (role, url)


def test_an_adopted_version_cannot_be_edited_in_the_form(client, strategist):
    version = adopted_version()
    client.force_login(strategist)
    response = client.post(reverse("documents:version-edit", args=[version.pk]), {"text": "Ändrad"})
    assert response.status_code == 302
    version.refresh_from_db()
    assert version.text != "Ändrad"


def test_adopting_without_a_decision_is_refused(client, strategist):
    version = draft_version()
    client.force_login(strategist)
    response = client.post(reverse("documents:version-adopt", args=[version.pk]), {})
    assert response.status_code == 200
    assert "obligatoriskt" in field_error(_html(response), "decision")
    version.refresh_from_db()
    assert version.is_draft


def test_document_detail_query_count_does_not_grow_with_versions(
    client, make_user, body, django_assert_max_num_queries
):
    document = SteeringDocumentFactory()
    adopted_version(document)
    client.force_login(make_user(Role.READER))
    url = reverse("documents:document-detail", args=[document.pk])
    with django_assert_max_num_queries(15) as few:
        client.get(url)
    for _ in range(10):
        version = draft_version(document)
        services.adopt_version(version, DecisionFactory(body=document.owner), actor=OPERATOR)
        distribution_to(BodyFactory(), version)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(url).status_code == 200


# --- distribution ---------------------------------------------------------------------------


def test_distribute_form_sends_to_bodies_and_units(client, strategist, body, other_body):
    unit = UnitFactory(body=other_body)
    version = adopted_version()
    client.force_login(strategist)
    url = reverse("documents:version-distribute", args=[version.pk])
    assert body.name in _html(client.get(url))
    deadline = TODAY + dt.timedelta(days=30)
    response = client.post(
        url, {"bodies": [body.pk, other_body.pk], "units": [unit.pk], "deadline": f"{deadline}"}
    )
    assert response.status_code == 302
    assert Distribution.objects.filter(version=version, deadline=deadline).count() == 3
    # Recipients already sent to are not offered again.
    html = _html(client.get(url))
    assert f'value="{body.pk}"' not in html


def test_distribute_form_refuses_a_past_deadline_and_no_recipients(client, strategist, body):
    version = adopted_version()
    client.force_login(strategist)
    url = reverse("documents:version-distribute", args=[version.pk])
    response = client.post(
        url, {"bodies": [body.pk], "deadline": f"{TODAY - dt.timedelta(days=1)}"}
    )
    assert "Sista dag för kvittens kan inte ligga före utskicksdagen" in field_error(
        _html(response), "deadline"
    )
    response = client.post(url, {"deadline": f"{TODAY}"})
    assert "Välj minst ett organ eller en enhet." in field_error(_html(response), "bodies")
    assert not Distribution.objects.exists()


def test_a_draft_cannot_be_distributed(client, strategist, body):
    version = draft_version()
    client.force_login(strategist)
    response = client.post(
        reverse("documents:version-distribute", args=[version.pk]),
        {"bodies": [body.pk], "deadline": f"{TODAY}"},
    )
    assert "Bara den antagna versionen kan skickas ut" in _html(response)
    assert not Distribution.objects.exists()


def test_strategist_moves_a_deadline(client, strategist, body):
    distribution = distribution_to(body)
    client.force_login(strategist)
    new = TODAY + dt.timedelta(days=60)
    client.post(
        reverse("documents:distribution-edit", args=[distribution.pk]), {"deadline": f"{new}"}
    )
    distribution.refresh_from_db()
    assert distribution.deadline == new


# --- acknowledging --------------------------------------------------------------------------


def test_reporter_acknowledges_from_the_pending_list(client, reporter, body):
    distribution = distribution_to(body)
    client.force_login(reporter)
    html = _html(client.get(reverse("documents:pending")))
    url = reverse("documents:acknowledge", args=[distribution.pk])
    assert url in html
    response = client.post(url, {"text": "Nämnden har beslutat att tillämpa plattformen."})
    assert response.status_code == 302
    ack = Acknowledgement.objects.get(distribution=distribution)
    assert ack.acknowledged_by == reporter
    html = _html(client.get(reverse("documents:pending")))
    assert "Inga styrdokument väntar på kvittens" in html
    assert "kvitterad" in html


def test_reporter_of_another_body_gets_404_and_nothing_is_saved(client, make_user, body):
    distribution = distribution_to(body)
    client.force_login(make_user(Role.REPORTER, body=BodyFactory()))
    url = reverse("documents:acknowledge", args=[distribution.pk])
    assert client.get(url).status_code == 404
    assert client.post(url, {"text": "Kapad kvittens"}).status_code == 404
    assert not Acknowledgement.objects.exists()


@pytest.mark.parametrize("role", [Role.STRATEGIST, Role.READER, Role.AUDITOR, Role.ADMIN])
def test_other_roles_cannot_acknowledge(client, make_user, body, role):
    distribution = distribution_to(body)
    client.force_login(make_user(role, body=body))
    assert client.get(reverse("documents:pending")).status_code == 403
    url = reverse("documents:acknowledge", args=[distribution.pk])
    assert client.post(url, {"text": "Nej"}).status_code == 404
    assert not Acknowledgement.objects.exists()


def test_empty_acknowledgement_is_refused_next_to_the_field(client, reporter, body):
    distribution = distribution_to(body)
    client.force_login(reporter)
    response = client.post(reverse("documents:acknowledge", args=[distribution.pk]), {"text": ""})
    assert response.status_code == 200
    assert "obligatoriskt" in field_error(_html(response), "text")
    assert not Acknowledgement.objects.exists()


def test_version_page_offers_the_reporter_to_acknowledge(client, reporter, body):
    distribution = distribution_to(body)
    client.force_login(reporter)
    html = _html(client.get(reverse("documents:version-detail", args=[distribution.version_id])))
    assert reverse("documents:acknowledge", args=[distribution.pk]) in html


def test_reporter_amends_an_acknowledgement(client, reporter, body):
    distribution = distribution_to(body)
    services.acknowledge_distribution(distribution, actor=reporter, text="Först.")
    client.force_login(reporter)
    url = reverse("documents:acknowledge", args=[distribution.pk])
    assert "Först." in _html(client.get(url))
    client.post(url, {"text": "Utförligare beskrivning."})
    assert Acknowledgement.objects.get().text == "Utförligare beskrivning."


def test_pending_query_count_does_not_grow(client, reporter, body, django_assert_max_num_queries):
    client.force_login(reporter)
    for _ in range(2):
        distribution_to(body)
    with django_assert_max_num_queries(12) as few:
        client.get(reverse("documents:pending"))
    for _ in range(15):
        distribution_to(UnitFactory(body=body))
        services.acknowledge_distribution(distribution_to(body), actor=reporter, text="Ja.")
    with django_assert_max_num_queries(len(few.captured_queries)):
        html = _html(client.get(reverse("documents:pending")))
    assert html.count("/kvittera/") >= 17


def test_home_panel_lists_pending_acknowledgements_for_reporters(client, reporter, body, make_user):
    distribution = distribution_to(body, deadline=TODAY - dt.timedelta(days=1))
    client.force_login(reporter)
    html = _html(client.get(reverse("home")))
    assert "Styrdokument att kvittera" in html
    assert reverse("documents:acknowledge", args=[distribution.pk]) in html
    assert "Försenad" in html
    assert 'href="/styrdokument/att-kvittera/"' in html  # in the navigation
    client.force_login(make_user(Role.READER))
    assert "Styrdokument att kvittera" not in _html(client.get(reverse("home")))


# --- coverage -------------------------------------------------------------------------------


def test_version_coverage_shows_who_acknowledged_who_not_and_who_is_late(
    client, make_user, municipality
):
    sn, bun, kfn = (BodyFactory(municipality=municipality, name=n) for n in ("SN", "BUN", "KFN"))
    version = adopted_version()
    acknowledged = distribution_to(sn, version)
    distribution_to(bun, version, deadline=TODAY + dt.timedelta(days=10))
    distribution_to(kfn, version, deadline=TODAY - dt.timedelta(days=3))
    services.acknowledge_distribution(
        acknowledged,
        actor=make_user(Role.REPORTER, body=sn),
        text="Vi har infört plattformen i verksamhetsplanen.",
    )
    client.force_login(make_user(Role.READER))
    html = _html(client.get(reverse("documents:version-coverage", args=[version.pk])))
    assert "Vi har infört plattformen i verksamhetsplanen." in html
    overdue = html.index("Försenade</h2>")
    pending = html.index("Har inte kvitterat ännu</h2>")
    done = html.index("Har kvitterat</h2>")
    assert overdue < html.index("KFN", overdue) < pending
    assert pending < html.index("BUN", pending) < done
    assert html.index("SN", done) > done


def test_body_coverage_lists_what_the_body_has_yet_to_acknowledge(
    client, make_user, body, reporter
):
    pending = distribution_to(body)
    unit_pending = distribution_to(UnitFactory(body=body))
    done = distribution_to(body)
    services.acknowledge_distribution(done, actor=reporter, text="Klart.")
    client.force_login(make_user(Role.READER))
    html = _html(client.get(reverse("documents:body-coverage", args=[body.pk])))
    todo = html[html.index("Att kvittera</h2>") : html.index("Kvitterade</h2>")]
    assert pending.version.document.title in todo
    assert unit_pending.version.document.title in todo
    assert done.version.document.title not in todo
    assert "Klart." in html


def _many_distributions(bodies, count: int, reporter_of) -> None:
    for _ in range(count):
        version = adopted_version()
        for i, body in enumerate(bodies):
            distribution = distribution_to(
                body, version, deadline=TODAY + dt.timedelta(days=-5 if i % 3 == 0 else 5)
            )
            if i % 2:
                services.acknowledge_distribution(
                    distribution, actor=reporter_of[body.pk], text="Tillämpas."
                )


@pytest.mark.parametrize("page", ["version", "overview", "body"])
def test_coverage_pages_query_counts_do_not_grow(
    client, make_user, municipality, django_assert_max_num_queries, page
):
    bodies = BodyFactory.create_batch(4, municipality=municipality)
    reporters = {b.pk: make_user(Role.REPORTER, body=b) for b in bodies}
    _many_distributions(bodies, 1, reporters)
    version = DocumentVersion.objects.order_by("pk").first()
    url = {
        "version": reverse("documents:version-coverage", args=[version.pk]),
        "overview": reverse("documents:coverage"),
        "body": reverse("documents:body-coverage", args=[bodies[1].pk]),
    }[page]
    client.force_login(make_user(Role.READER))
    with django_assert_max_num_queries(12) as few:
        client.get(url)
    more = BodyFactory.create_batch(12, municipality=municipality)
    reporters.update({b.pk: make_user(Role.REPORTER, body=b) for b in more})
    for body in more:
        distribution = distribution_to(body, version)
        services.acknowledge_distribution(distribution, actor=reporters[body.pk], text="Ja.")
    _many_distributions([*bodies, *more], 4, reporters)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(url).status_code == 200
