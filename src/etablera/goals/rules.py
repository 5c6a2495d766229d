"""Access rules for goals and indicators.

Goals, indicators and targets are public inside the municipality: every role reads them.
Strategists shape the goal structure; reporters type in indicator values for the goals their
own body owns (scoped), strategists for any.
"""

from etablera.accounts.policy import allow, anchor
from etablera.accounts.roles import ALL_ROLES, Role

from .models import Goal, Indicator, IndicatorValue, Target

anchor(Goal, bodies=["owner"])
anchor(Indicator, bodies=["goals__owner"], many=True)
anchor(Target, bodies=["indicator__goals__owner"], many=True)
anchor(IndicatorValue, bodies=["indicator__goals__owner"], many=True)

allow("goals.view", *ALL_ROLES, description="Se mål, indikatorer, målvärden och utfall")
allow(
    "goals.change",
    Role.STRATEGIST,
    description="Lägga till och ändra mål, indikatorer och målvärden",
)
allow("goals.value.change", Role.STRATEGIST, description="Mata in indikatorvärden för alla mål")
allow(
    "goals.value.change",
    Role.REPORTER,
    scoped=True,
    description="Mata in indikatorvärden för mål som det egna organet äger",
)
