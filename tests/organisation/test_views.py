"""Organisation pages: who sees and changes what, bad input, and pinned query counts."""

from __future__ import annotations

import pytest
from django.urls import reverse

from etablera.accounts.roles import Role
from etablera.organisation.models import Body, Unit
from tests.factories import OPERATOR, BodyFactory, UnitFactory


@pytest.fixture
def strategist(make_user, body):
    return make_user(Role.STRATEGIST, body=body)


def test_body_list_shows_bodies_to_a_reader(client, make_user, body):
    client.force_login(make_user(Role.READER))
    response = client.get(reverse("organisation:body-list"))
    assert response.status_code == 200
    assert body.name in response.content.decode()
    assert reverse("organisation:body-create") not in response.content.decode()


def test_anonymous_user_is_sent_to_login(client, db):
    response = client.get(reverse("organisation:body-list"))
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]


def test_body_list_query_count_does_not_grow_with_rows(
    client, make_user, municipality, django_assert_max_num_queries
):
    client.force_login(make_user(Role.READER))
    BodyFactory.create_batch(2, municipality=municipality)
    with django_assert_max_num_queries(8) as few:
        client.get(reverse("organisation:body-list"))
    for body in BodyFactory.create_batch(30, municipality=municipality):
        UnitFactory(body=body)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(reverse("organisation:body-list"))
    assert response.content.decode().count("/organisation/organ/") >= 32


def test_body_detail_query_count_does_not_grow_with_units(
    client, make_user, body, django_assert_max_num_queries
):
    client.force_login(make_user(Role.READER))
    UnitFactory(body=body)
    url = reverse("organisation:body-detail", args=[body.pk])
    with django_assert_max_num_queries(10) as few:
        client.get(url)
    parent = UnitFactory(body=body)
    for _ in range(20):
        UnitFactory(body=body, parent=parent)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(url).status_code == 200


def test_strategist_creates_a_body(client, strategist, municipality):
    client.force_login(strategist)
    response = client.post(
        reverse("organisation:body-create"),
        {"kind": "committee", "name": "Arbetsmarknadsnämnden", "short_name": "AMN"},
    )
    assert response.status_code == 302
    assert Body.objects.filter(short_name="AMN", municipality=municipality).exists()


def test_body_with_end_before_start_is_refused_with_a_swedish_message(client, strategist):
    client.force_login(strategist)
    response = client.post(
        reverse("organisation:body-create"),
        {
            "kind": "committee",
            "name": "X-nämnden",
            "short_name": "XN",
            "active_from": "2025-05-01",
            "active_to": "2025-01-01",
        },
    )
    assert response.status_code == 200
    assert "Slutdatum kan inte ligga före startdatum." in response.content.decode()
    assert not Body.objects.filter(short_name="XN").exists()


def test_duplicate_short_name_is_refused(client, strategist, body):
    client.force_login(strategist)
    response = client.post(
        reverse("organisation:body-create"),
        {"kind": "committee", "name": "Annan nämnd", "short_name": body.short_name},
    )
    assert response.status_code == 200
    assert Body.objects.filter(short_name=body.short_name).count() == 1


def test_reader_may_not_create_a_body(client, make_user, municipality):
    client.force_login(make_user(Role.READER))
    response = client.post(
        reverse("organisation:body-create"), {"kind": "committee", "name": "N", "short_name": "N"}
    )
    assert response.status_code == 403
    assert not Body.objects.filter(short_name="N").exists()


def test_unknown_body_answers_404(client, make_user, db):
    client.force_login(make_user(Role.READER))
    assert client.get(reverse("organisation:body-detail", args=[999999])).status_code == 404


def test_units_form_a_tree_with_paths(strategist, client, body):
    client.force_login(strategist)
    client.post(
        reverse("organisation:unit-create", args=[body.pk]),
        {"kind": "department", "name": "Förvaltningen"},
    )
    department = Unit.objects.get(name="Förvaltningen")
    client.post(
        reverse("organisation:unit-create", args=[body.pk]),
        {"kind": "unit", "name": "Enheten", "parent": department.pk},
    )
    unit = Unit.objects.get(name="Enheten")
    assert unit.path == f"{department.path}{unit.pk}/"
    assert unit.depth == 1


def test_unit_cannot_be_moved_under_itself(strategist, client, body):
    client.force_login(strategist)
    parent = UnitFactory(body=body)
    child = UnitFactory(body=body, parent=parent)
    response = client.post(
        reverse("organisation:unit-edit", args=[body.pk, parent.pk]),
        {"kind": "unit", "name": parent.name, "parent": child.pk},
    )
    assert response.status_code == 200  # the child is not offered as a parent
    parent.refresh_from_db()
    assert parent.parent_id is None


def test_moving_a_unit_moves_its_subtree(body):
    from etablera.organisation.services import save_unit

    a, b = UnitFactory(body=body), UnitFactory(body=body)
    child = UnitFactory(body=body, parent=a)
    a.parent = b
    save_unit(a, actor=OPERATOR)
    child.refresh_from_db()
    assert child.path == f"{b.path}{a.pk}/{child.pk}/"


def test_municipality_code_must_be_four_digits(client, strategist, municipality):
    client.force_login(strategist)
    response = client.post(
        reverse("organisation:municipality-edit"),
        {"name": "Kommunen", "code": "14870", "comparison_group_text": "12, 1488"},
    )
    content = response.content.decode()
    assert response.status_code == 200
    assert "Kommunkoden ska vara fyra siffror" in content or "fyra siffror" in content
    municipality.refresh_from_db()
    assert municipality.code == "1487"
