"""``{% answers_recommendations obj %}``: the audit recommendations a mandate or an intervention
answers, for their own pages (renders ``audits/includes/answers_recommendations.html``)."""

from __future__ import annotations

from django import template

from etablera.accounts import policy

from ..evidence import object_url as _object_url
from ..selectors import recommendations_answered_by

register = template.Library()


@register.inclusion_tag("audits/includes/answers_recommendations.html", takes_context=True)
def answers_recommendations(context, obj, heading_id: str = "answers-recommendations") -> dict:
    request = context.get("request")
    user = getattr(request, "user", None) or context.get("user")
    if not policy.can(user, "audits.view"):
        return {"hidden": True}
    return {
        "recommendations": recommendations_answered_by(user, obj),
        "heading_id": heading_id,
    }


@register.filter
def object_url(obj) -> str:
    """``{{ obj|object_url }}``: the object's page, or "" when it has none."""
    return _object_url(obj)
