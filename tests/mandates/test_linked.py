"""A mandate's page lists the goals that name it and the interventions run on it."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.goals.factories import GoalFactory
from tests.mandates.factories import MandateFactory
from tests.register.factories import InterventionFactory

pytestmark = pytest.mark.django_db


def test_detail_lists_linked_goals_and_interventions(client, reader, ks, unit):
    mandate = MandateFactory(owner=ks)
    goal = GoalFactory(title="Fler nyanlända i arbete eller studier")
    goal.mandates.add(mandate)
    InterventionFactory(name="Språkpraktik", provider_unit=unit, commissioning_mandate=mandate)
    InterventionFactory(name="Annan insats", provider_unit=unit)
    client.force_login(reader)
    html = client.get(reverse("mandates:detail", args=[mandate.pk])).content.decode()
    goals = html[html.index('id="goals-heading"') : html.index('id="interventions-heading"')]
    interventions = html[
        html.index('id="interventions-heading"') : html.index('id="history-heading"')
    ]
    assert "Fler nyanlända i arbete eller studier" in goals
    assert f'href="{goal.get_absolute_url()}"' in goals
    assert "Språkpraktik" in interventions and unit.name in interventions
    assert "Annan insats" not in html
