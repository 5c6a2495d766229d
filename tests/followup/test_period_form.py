"""The period form saves through the shared form body; the code fills what is left empty."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from etablera.followup.models import Period, PeriodKind

pytestmark = pytest.mark.django_db


def test_without_javascript_the_code_fills_the_rest_on_save(client, strategist):
    client.force_login(strategist)
    response = client.post(
        reverse("followup:period-create"), {"code": "2027t2", "deadline": "2027-10-15"}
    )
    period = Period.objects.get(code="2027T2")
    assert response.url == reverse("followup:period-detail", kwargs={"code": "2027T2"})
    assert (period.kind, period.start, period.end) == (
        PeriodKind.TERTIAL,
        dt.date(2027, 5, 1),
        dt.date(2027, 8, 31),
    )


def test_a_period_without_deadline_is_refused_in_swedish(client, strategist):
    client.force_login(strategist)
    response = client.post(reverse("followup:period-create"), {"code": "2027T2"})
    assert response.status_code == 200
    assert "Formuläret innehåller fel" in response.content.decode()
    assert not Period.objects.filter(code="2027T2").exists()
