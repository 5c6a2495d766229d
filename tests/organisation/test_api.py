"""The organisation API: same policy as the pages, field errors as 400, never a 500."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from etablera.accounts.roles import Role
from tests.factories import BodyFactory, UnitFactory


@pytest.fixture
def api():
    return APIClient()


def test_anonymous_gets_no_bodies(api, db):
    assert api.get("/api/bodies/").status_code in (401, 403)


def test_reader_lists_bodies_but_cannot_create(api, make_user, body):
    api.force_authenticate(make_user(Role.READER))
    response = api.get("/api/bodies/")
    assert response.status_code == 200
    assert body.name in [b["name"] for b in response.json()["results"]]
    assert (
        api.post(
            "/api/bodies/",
            {
                "kind": "committee",
                "name": "X",
                "short_name": "X",
                "municipality": body.municipality_id,
            },
        ).status_code
        == 403
    )


def test_strategist_creates_and_bad_dates_give_400(api, make_user, body):
    api.force_authenticate(make_user(Role.STRATEGIST, body=body))
    ok = api.post(
        "/api/bodies/",
        {
            "kind": "committee",
            "name": "Ny",
            "short_name": "NY",
            "municipality": body.municipality_id,
        },
        format="json",
    )
    assert ok.status_code == 201
    bad = api.post(
        "/api/bodies/",
        {
            "kind": "committee",
            "name": "Fel",
            "short_name": "FEL",
            "municipality": body.municipality_id,
            "active_from": "2025-02-01",
            "active_to": "2025-01-01",
        },
        format="json",
    )
    assert bad.status_code == 400
    assert "active_to" in bad.json()


def test_unit_parent_in_another_body_is_a_400(api, make_user, body, other_body):
    api.force_authenticate(make_user(Role.ADMIN))
    foreign = UnitFactory(body=other_body)
    response = api.post(
        "/api/units/",
        {"body": body.pk, "parent": foreign.pk, "kind": "unit", "name": "Felplacerad"},
        format="json",
    )
    assert response.status_code == 400
    assert "parent" in response.json()


def test_bodies_cannot_be_deleted_through_the_api(api, make_user, body):
    api.force_authenticate(make_user(Role.ADMIN))
    assert api.delete(f"/api/bodies/{body.pk}/").status_code == 405


def test_body_list_query_count_is_pinned(
    api, make_user, municipality, django_assert_max_num_queries
):
    api.force_authenticate(make_user(Role.READER))
    BodyFactory.create_batch(3, municipality=municipality)
    with django_assert_max_num_queries(6) as few:
        api.get("/api/bodies/")
    BodyFactory.create_batch(40, municipality=municipality)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert api.get("/api/bodies/").status_code == 200


def test_openapi_schema_describes_the_organisation(api, db):
    response = api.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    paths = response.json()["paths"]
    assert "/api/bodies/" in paths and "/api/units/" in paths


def test_api_docs_use_no_cdn(client, db):
    html = client.get("/api/docs/").content.decode()
    assert "cdn." not in html and "unpkg" not in html
    assert "/static/drf_spectacular_sidecar/" in html
