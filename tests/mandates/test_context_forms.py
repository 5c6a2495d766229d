"""Forms that know their context: the commissioner follows from the origin (also as it is
chosen, with htmx), and a decision registered from a mandate starts from the mandate."""

from __future__ import annotations

import pytest
from django.urls import reverse

from etablera.mandates import selectors
from etablera.mandates.models import Origin
from etablera.organisation.models import BodyKind
from tests.factories import BodyFactory
from tests.mandates.factories import MandateFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def sn(municipality):
    return BodyFactory(municipality=municipality, name="Socialnämnden", short_name="SN")


@pytest.fixture
def kf(municipality):
    return BodyFactory(
        municipality=municipality, kind=BodyKind.COUNCIL, name="Kommunfullmäktige", short_name="KF"
    )


@pytest.fixture
def partner(municipality):
    return BodyFactory(
        municipality=municipality,
        kind=BodyKind.EXTERNAL_PARTNER,
        name="Arbetsförmedlingen",
        short_name="AF",
    )


def _fill(client, origin: str, commissioned_by="") -> str:
    response = client.post(
        reverse("mandates:create"),
        {"origin": origin, "commissioned_by": commissioned_by, "fill": "1"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    return response.content.decode()


def test_choosing_the_origin_fills_the_commissioner(client, strategist, ks, kf, partner):
    client.force_login(strategist)
    page = client.get(reverse("mandates:create")).content.decode()
    assert 'hx-post="/uppdrag/register/nytt/"' in page
    html = _fill(client, Origin.COMMISSIONED_KS)
    assert 'hx-swap-oob="true"' in html and f'<option value="{ks.pk}" selected>' in html
    assert f'<option value="{kf.pk}" selected>' in _fill(client, Origin.COMMISSIONED_KF, ks.pk)
    assert "selected>" not in _fill(client, Origin.ORDINARY, ks.pk).replace(
        '<option value="" selected>', ""
    )
    agreement = _fill(client, Origin.AGREEMENT, partner.pk)
    assert f'<option value="{partner.pk}" selected>' in agreement
    assert f'<option value="{ks.pk}" selected>' not in _fill(client, Origin.AGREEMENT, ks.pk)


def test_decision_defaults_follow_the_origin(ks, sn, partner):
    by_ks = MandateFactory(
        owner=sn, origin=Origin.COMMISSIONED_KS, commissioned_by=ks, title="Språkcaféer"
    )
    by_agreement = MandateFactory(
        owner=sn, origin=Origin.AGREEMENT, commissioned_by=partner, title="Extratjänster"
    )
    assert selectors.decision_defaults(by_ks) == {"body": ks.pk, "title": "Språkcaféer"}
    assert selectors.decision_defaults(by_agreement) == {"body": sn.pk, "title": "Extratjänster"}


def test_a_decision_from_the_mandate_starts_with_its_title_and_links_back(
    client, strategist, ks, sn
):
    mandate = MandateFactory(
        owner=sn, origin=Origin.COMMISSIONED_KS, commissioned_by=ks, title="Språkcaféer"
    )
    client.force_login(strategist)
    html = client.get(
        reverse("mandates:decision-create") + f"?uppdrag={mandate.pk}"
    ).content.decode()
    assert 'value="Språkcaféer"' in html
    assert f'<option value="{ks.pk}" selected>' in html
    assert reverse("mandates:detail", args=[mandate.pk]) in html
