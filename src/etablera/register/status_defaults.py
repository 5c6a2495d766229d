"""The status categories every register starts with (DOMAIN.md), aligned with the national KPI
"Resultat vid avslut i kommunens arbetsmarknadsverksamhet" (Kolada).

Work counts only on the regular labour market and for at least one continuous month; a
municipal labour-market employment is "other intervention"; studies count when they qualify
for student finance (SFI alone does not). The list is seeded by a migration and can then be
changed in the admin, because national reporting is changing.
"""

from __future__ import annotations

CATEGORIES = [
    # code, name, is_work, is_subsidised_work, is_studies, description
    (
        "work",
        "Arbete",
        True,
        False,
        False,
        "Osubventionerat arbete på den reguljära arbetsmarknaden som varar minst en "
        "sammanhängande månad, inklusive eget företag.",
    ),
    (
        "subsidised_work",
        "Subventionerat arbete",
        False,
        True,
        False,
        "Arbete med anställningsstöd på den reguljära arbetsmarknaden som varar minst en "
        "sammanhängande månad. En kommunal arbetsmarknadsanställning räknas som annan insats.",
    ),
    (
        "studies",
        "Studier",
        False,
        False,
        True,
        "Studier som ger rätt till studiemedel: komvux, folkhögskola, högskola. "
        "SFI enbart räknas inte som studier.",
    ),
    ("job_seeking", "Arbetssökande", False, False, False, ""),
    (
        "other_intervention",
        "Annan insats",
        False,
        False,
        False,
        "Annan arbetsmarknadsinsats, även kommunal arbetsmarknadsanställning och SFI enbart.",
    ),
    ("sick", "Sjuk eller förhindrad att arbeta", False, False, False, ""),
    ("parental_leave", "Föräldraledig", False, False, False, ""),
    ("moved", "Flyttat från kommunen", False, False, False, ""),
    ("other", "Annat", False, False, False, ""),
    ("unknown", "Okänd", False, False, False, ""),
]


def ensure_default_status_categories(model=None) -> None:
    """Create the default categories that are missing (never changes existing ones)."""
    if model is None:
        from .models import StatusCategory as model
    for order, (code, name, work, subsidised, studies, description) in enumerate(CATEGORIES):
        model.objects.get_or_create(
            code=code,
            defaults={
                "name": name,
                "is_work": work,
                "is_subsidised_work": subsidised,
                "is_studies": studies,
                "description": description,
                "order": (order + 1) * 10,
                "active": True,
            },
        )
