"""Demo data: the public audit of Vänersborgs kommun (KPMG for the elected auditors, 2022).

The audit's purpose, questions, verdicts, overall assessment, seven recommendations and response
deadline are those of the public report summary. The response, the actions, their evidence and
the auditors' follow-up a year later are fictitious, like the rest of the demo. The people who
signed the report are not named anywhere in the data.
"""

from __future__ import annotations

import datetime as dt

from django.contrib.contenttypes.models import ContentType
from django.db.models import Model

from etablera.organisation.models import Body

from .models import (
    Action,
    ActionStatus,
    Assessment,
    Audit,
    AuditorFollowUp,
    AuditQuestion,
    EvidenceLink,
    Recommendation,
    Response,
    Verdict,
)

ORDER = 90

TITLE = "Granskning av kommunens arbete med integration och arbetsmarknadsinsatser"

PURPOSE = (
    "Syftet med granskningen har varit att bedöma om kommunstyrelsen säkerställt att kommunens "
    "integrationsarbete bedrivs på ett ändamålsenligt sätt med avseende på styrning, samordning "
    "och uppföljning. Granskningen har även syftat till att bedöma om kommunstyrelsen säkerställt "
    "att det bedrivs ett ändamålsenligt arbete med arbetsmarknadsinsatser för nyanlända."
)

OVERALL = (
    "Vår samlade bedömning utifrån granskningens syfte är att kommunstyrelsen inte i tillräcklig "
    "omfattning säkerställt att integrationsarbete bedrivs på ett ändamålsenligt sätt med "
    "avseende på styrning, samordning och uppföljning. Kommunstyrelsen bedöms inte heller ha "
    "säkerställt att arbetsmarknadsinsatser bedrivs på ett ändamålsenligt sätt för nyanlända.\n\n"
    "Utifrån beslutet 2017 bedömer vi dock att kommunstyrelsen har en god grund för att "
    "organisera arbetet med social inkludering. Det finns dock en osäkerhet inom förvaltningen "
    "kring hur arbetet med social inkludering ska bedrivas framöver, vilka målsättningar som är "
    "styrande och vem som ansvarar för det strategiska respektive operativa arbetet.\n\n"
    "Vidare bedömer vi att styrelsen bör utveckla sin uppföljning av att arbetsmarknadsinsatser "
    "för nyanlända bedrivs på ett ändamålsenligt vis."
)

QUESTIONS = [
    (
        "Har kommunstyrelsen säkerställt att kommunens integrationsarbete bedrivs på ett "
        "ändamålsenligt sätt med avseende på styrning, samordning och uppföljning?",
        "Det finns en osäkerhet kring vilka målsättningar som är styrande och vem som ansvarar "
        "för det strategiska respektive operativa arbetet.",
    ),
    (
        "Har kommunstyrelsen säkerställt att det bedrivs ett ändamålsenligt arbete med "
        "arbetsmarknadsinsatser för nyanlända?",
        "Styrelsen bör utveckla sin uppföljning av att arbetsmarknadsinsatser för nyanlända "
        "bedrivs på ett ändamålsenligt vis.",
    ),
]

RECOMMENDATIONS = [
    "Tydliggöra skillnaderna mellan det strategiska och det operativa arbetet rörande "
    "arbetsmarknads- och integrationsinsatser mellan kommunstyrelsen och övriga nämnder.",
    "Följa upp, uppdatera och kommunicera plattformen för integrationssamverkan i samtliga "
    "nämnder och förvaltningar.",
    "Fortsätta och förtydliga hur arbetet kring social inkludering ska bedrivas.",
    "Se över strukturen för uppföljning av integrations- och arbetsmarknadsuppdraget.",
    "Tydliggöra uppföljningsansvaret gällande kommunens arbetsmarknads- och integrationsinsatser.",
    "Tydliggöra vad som är socialnämndens ordinarie uppdrag och vad som utgör uppdrag från "
    "kommunstyrelsen.",
    "Tillsammans med socialnämnden utveckla uppföljningen av de åtgärder som socialnämnden utför "
    "på kommunstyrelsens uppdrag.",
]

# The fictitious part: what the executive board did, and what the auditors found a year later.
PUBLISHED = dt.date(2022, 9, 30)
DEADLINE = dt.date(2022, 11, 25)
RESPONSE_TEXT = (
    "Kommunstyrelsen delar revisorernas bedömning och har gett kommundirektören i uppdrag att "
    "genomföra de åtgärder som redovisas per rekommendation. Ansvarsfördelningen mellan "
    "kommunstyrelsen och socialnämnden tydliggörs i en ansvarsmatris, plattformen för "
    "integrationssamverkan revideras och skickas till samtliga nämnder för kvittens, och "
    "uppföljningen av socialnämndens uppdrag från kommunstyrelsen sker i den ordinarie "
    "uppföljningscykeln."
)

# (recommendation number, description, responsible body, person, due, status, completed on,
#  evidence: "ks_strategic" | "sn_commissioned" | "platform" | "interventions")
ACTIONS = [
    (
        1,
        "Ta fram en ansvarsmatris som visar strategiskt och operativt ansvar för integrations- "
        "och arbetsmarknadsarbetet mellan kommunstyrelsen och nämnderna.",
        "KS",
        "Kommundirektören",
        dt.date(2023, 6, 30),
        ActionStatus.DONE,
        dt.date(2023, 5, 24),
        ["ks_strategic", "sn_commissioned"],
    ),
    (
        2,
        "Revidera plattformen för integrationssamverkan och skicka den till samtliga nämnder "
        "för kvittens.",
        "KS",
        "Integrationsstrategen",
        dt.date(2023, 12, 31),
        ActionStatus.DONE,
        dt.date(2023, 11, 15),
        ["platform"],
    ),
    (
        3,
        "Utse strategiskt ansvar för social inkludering och ta fram mål för arbetet.",
        "KS",
        "Kommundirektören",
        dt.date(2024, 3, 31),
        ActionStatus.ONGOING,
        None,
        ["ks_strategic"],
    ),
    (
        4,
        "Inför en gemensam uppföljningskalender med tertial-, delårs- och helårsrapportering "
        "för integrations- och arbetsmarknadsuppdragen.",
        "KS",
        "Ekonomichefen",
        dt.date(2023, 9, 30),
        ActionStatus.DONE,
        dt.date(2023, 9, 12),
        [],
    ),
    (
        5,
        "Ange ett uppföljningsansvarigt organ och en funktion för varje uppdrag inom "
        "integration och arbetsmarknad.",
        "KS",
        "Integrationsstrategen",
        dt.date(2023, 6, 30),
        ActionStatus.ONGOING,
        None,
        ["ks_strategic"],
    ),
    (
        6,
        "Märk varje uppdrag till socialnämnden som ordinarie eller beställt av "
        "kommunstyrelsen, med beslutsreferens.",
        "KS",
        "Kommunsekreteraren",
        dt.date(2023, 4, 30),
        ActionStatus.DONE,
        dt.date(2023, 4, 18),
        ["sn_commissioned"],
    ),
    (
        7,
        "Socialnämnden återrapporterar varje tertial utfallet av arbetsmarknadsinsatserna som "
        "utförs på kommunstyrelsens uppdrag.",
        "SN",
        "Socialchefen",
        dt.date(2024, 6, 30),
        ActionStatus.NOT_STARTED,
        None,
        ["sn_commissioned", "interventions"],
    ),
]

FOLLOW_UP_ON = dt.date(2023, 11, 24)
FOLLOW_UPS = {
    1: (Assessment.ADDRESSED, "En ansvarsmatris finns och visar nivå och ursprung per uppdrag."),
    2: (Assessment.ADDRESSED, "Plattformen är reviderad och skickad till samtliga nämnder."),
    3: (Assessment.NOT_ADDRESSED, "Strategiskt ansvar för social inkludering är inte utsett."),
    4: (Assessment.PARTLY, "Kalendern finns men tillämpas ännu inte av alla nämnder."),
    5: (Assessment.PARTLY, "Flera uppdrag saknar fortfarande uppföljningsansvarig."),
    6: (Assessment.ADDRESSED, "Uppdragens ursprung och beslut framgår av uppdragsregistret."),
    7: (
        Assessment.NOT_ADDRESSED,
        "Återrapporteringen av insatsernas utfall har inte kommit i gång.",
    ),
}


def _evidence_targets() -> dict[str, list[Model]]:
    """The demo's own mandates, platform and interventions, where those modules have data."""
    from etablera.documents.models import DocumentVersion
    from etablera.mandates.models import COMMISSIONED, Level, Mandate
    from etablera.register.models import Intervention

    found: dict[str, list[Model]] = {}
    mandates = Mandate.objects.order_by("pk")
    strategic = (
        mandates.filter(title="Strategisk samordning av kommunens integrationsarbete").first()
        or mandates.filter(owner__short_name="KS", level=Level.STRATEGIC).first()
    )
    commissioned = (
        mandates.filter(title="Arbetsmarknadsinsatser för nyanlända").first()
        or mandates.filter(origin__in=COMMISSIONED, commissioned_by__short_name="KS").first()
    )
    found["ks_strategic"] = [strategic] if strategic else []
    found["sn_commissioned"] = [commissioned] if commissioned else []
    version = (
        DocumentVersion.objects.filter(
            document__title__icontains="integrationssamverkan", status="adopted"
        )
        .order_by("-number")
        .first()
    )
    found["platform"] = [version] if version else []
    found["interventions"] = (
        list(Intervention.objects.filter(commissioning_mandate=commissioned).order_by("pk")[:2])
        if commissioned
        else []
    )
    return found


def _decision(ks: Body):
    from etablera.mandates.models import Decision

    decision, _ = Decision.objects.get_or_create(
        body=ks,
        date=dt.date(2022, 11, 16),
        title="Svar på revisionsrapport om kommunens arbete med integration och "
        "arbetsmarknadsinsatser",
        defaults={"section": "§ 231", "case_number": "KS 2022/418"},
    )
    return decision


def load(ctx) -> None:
    ks = Body.objects.get(short_name="KS")
    sn = Body.objects.get(short_name="SN")
    audit, created = Audit.objects.get_or_create(
        title=TITLE,
        published_on=PUBLISHED,
        defaults={
            "auditor_firm": "KPMG",
            "commissioned_by": "De förtroendevalda revisorerna i Vänersborgs kommun",
            "purpose": PURPOSE,
            "overall_assessment": OVERALL,
            "response_deadline": DEADLINE,
        },
    )
    if not created:
        return
    audit.full_clean()
    audit.audited_bodies.set([ks])
    for number, (text, comment) in enumerate(QUESTIONS, start=1):
        AuditQuestion.objects.create(
            audit=audit, number=number, text=text, verdict=Verdict.NOT_MET, comment=comment
        )
    recommendations = {}
    for number, text in enumerate(RECOMMENDATIONS, start=1):
        rec = Recommendation.objects.create(audit=audit, number=number, text=text)
        rec.addressed_to.set([ks])
        recommendations[number] = rec

    response = Response(
        audit=audit, body=ks, decision=_decision(ks), date=dt.date(2022, 11, 22), text=RESPONSE_TEXT
    )
    response.full_clean()
    response.save()

    targets = _evidence_targets()
    bodies = {"KS": ks, "SN": sn}
    for number, text, body, person, due, status, completed, links in ACTIONS:
        action = Action(
            recommendation=recommendations[number],
            description=text,
            responsible_body=bodies[body],
            responsible_person=person,
            due_date=due,
            status=status,
            completed_on=completed,
        )
        action.full_clean()
        action.save()
        for key in links:
            for target in targets.get(key, []):
                EvidenceLink.objects.get_or_create(
                    action=action,
                    content_type=ContentType.objects.get_for_model(type(target)),
                    object_id=target.pk,
                )
    for number, (assessment, comment) in FOLLOW_UPS.items():
        AuditorFollowUp.objects.create(
            recommendation=recommendations[number],
            date=FOLLOW_UP_ON,
            assessment=assessment,
            comment=comment,
        )
    ctx.log(f"    audit with {len(recommendations)} recommendations and {len(ACTIONS)} actions")
