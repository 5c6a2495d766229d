"""Demo mandates of Vänersborgs kommun in integration, labour market and social inclusion.

The structure follows the public audit (KPMG 2022): the executive board's strategic
coordination, the social services committee's labour-market unit working on a commission from
the executive board by a 2017 decision, Swedish for immigrants as an ordinary mission, some
agreements with external partners — and a few deliberate gaps (a mandate nobody follows up, a
commissioned mandate with no registered decision) for the governance check to find. Decision
numbers and texts are fictitious.
"""

from __future__ import annotations

import datetime as dt

from etablera.organisation.models import Body, Unit

from .models import Decision, Level, Mandate, MandateStatus, Origin, PolicyArea, ReportFrequency
from .services import save_decision, save_mandate, save_policy_area

ORDER = 30

AREAS = [
    (
        "integration",
        "Integration",
        10,
        "Mottagande, etablering och samverkan kring nyanlända.",
    ),
    (
        "arbetsmarknad",
        "Arbetsmarknad",
        20,
        "Arbetsmarknadsinsatser, praktik, subventionerade anställningar och vägledning.",
    ),
    (
        "social-inkludering",
        "Social inkludering",
        30,
        "Delaktighet i samhället, civilsamhälle, kultur och fritid.",
    ),
    ("utbildning", "Utbildning", 40, "SFI, vuxenutbildning och nyanlända elever."),
    ("bostad", "Bostad", 50, "Bostäder för nyanlända och bostadsförsörjning."),
    ("halsa", "Hälsa", 60, "Hälsa och hälsokommunikation för nyanlända."),
]

# key: (body, date, section, case number, title)
DECISIONS = {
    "ks-2017": (
        "KS",
        dt.date(2017, 5, 17),
        "§ 123",
        "KS 2017/245",
        "Organisation av arbetet med social inkludering och arbetsmarknadsinsatser för "
        "nyanlända; uppdrag till socialnämnden",
    ),
    "kf-reglemente": (
        "KF",
        dt.date(2022, 12, 14),
        "§ 187",
        "KS 2022/512",
        "Reglementen för kommunstyrelsen och nämnderna 2023–2026",
    ),
    "ks-platform": (
        "KS",
        dt.date(2019, 10, 16),
        "§ 201",
        "KS 2019/377",
        "Plattform för integrationssamverkan; uppdrag att samordna och följa upp",
    ),
    "ks-bosattning": (
        "KS",
        dt.date(2016, 2, 10),
        "§ 24",
        "KS 2016/58",
        "Mottagande av nyanlända enligt bosättningslagen; uppdrag till socialnämnden",
    ),
    "ks-vbb": (
        "KS",
        dt.date(2016, 3, 9),
        "§ 51",
        "KS 2016/58",
        "Ägardirektiv till AB Vänersborgsbostäder om bostäder för nyanlända",
    ),
    "ks-so": (
        "KS",
        dt.date(2018, 3, 14),
        "§ 56",
        "KS 2018/102",
        "Samhällsorientering för nyanlända; uppdrag till gymnasie- och vuxenutbildningsnämnden",
    ),
    "ks-af": (
        "KS",
        dt.date(2021, 11, 10),
        "§ 214",
        "KS 2021/380",
        "Lokal överenskommelse med Arbetsförmedlingen om samverkan för nyanlända och "
        "långtidsarbetslösa",
    ),
    "sn-sfv": (
        "SN",
        dt.date(2022, 2, 23),
        "§ 31",
        "SN 2022/19",
        "Medverkan i Samordningsförbundet Västs insats för arbetslivsinriktad rehabilitering",
    ),
    "sn-vgr": (
        "SN",
        dt.date(2023, 4, 19),
        "§ 58",
        "SN 2023/77",
        "Överenskommelse med Västra Götalandsregionen om hälsokommunikatörer",
    ),
    "ks-esf": (
        "KS",
        dt.date(2018, 1, 24),
        "§ 9",
        "KS 2017/601",
        "Medfinansiering av ESF-projektet Vägen in, 2018–2020",
    ),
}

STRATEGIC, OPERATIONAL = Level.STRATEGIC, Level.OPERATIONAL

# (title, area, owner, performer unit or body, level, origin, commissioner, decision,
#  follow-up body, follow-up role, frequency, start, end, status, description)
MANDATES = [
    (
        "Strategisk samordning av kommunens integrationsarbete",
        "integration",
        "KS",
        "Enheten för strategisk utveckling",
        STRATEGIC,
        Origin.ORDINARY,
        None,
        "kf-reglemente",
        "KF",
        "Kommunfullmäktige genom årsredovisningen",
        ReportFrequency.ANNUAL,
        dt.date(2023, 1, 1),
        None,
        MandateStatus.ACTIVE,
        "Kommunstyrelsen leder och samordnar integrationsarbetet i hela kommunen enligt sitt "
        "reglemente: mål, prioriteringar och uppföljning över nämndgränserna.",
    ),
    (
        "Plattform för integrationssamverkan – samordning, uppdatering och uppföljning",
        "integration",
        "KS",
        "Kommunledningskontoret",
        STRATEGIC,
        Origin.ORDINARY,
        None,
        "ks-platform",
        "KS",
        "Kommundirektör",
        ReportFrequency.ANNUAL,
        dt.date(2019, 11, 1),
        None,
        MandateStatus.ACTIVE,
        "Hålla plattformen aktuell, sprida den till alla nämnder och förvaltningar och följa "
        "upp hur den tillämpas.",
    ),
    (
        "Arbetsmarknadsinsatser för nyanlända",
        "arbetsmarknad",
        "SN",
        "Arbetsmarknadsenheten",
        OPERATIONAL,
        Origin.COMMISSIONED_KS,
        "KS",
        "ks-2017",
        "KS",
        "Integrationsstrateg, kommunledningskontoret",
        ReportFrequency.TERTIAL,
        dt.date(2017, 7, 1),
        None,
        MandateStatus.ACTIVE,
        "Arbetsträning, praktik, subventionerade anställningar och vägledning för nyanlända, "
        "på uppdrag av kommunstyrelsen. Återrapporteras till KS varje tertial.",
    ),
    (
        "Språkpraktik för nyanlända",
        "arbetsmarknad",
        "SN",
        "Språkpraktik",
        OPERATIONAL,
        Origin.COMMISSIONED_KS,
        "KS",
        "ks-2017",
        "KS",
        "Integrationsstrateg, kommunledningskontoret",
        ReportFrequency.TERTIAL,
        dt.date(2017, 7, 1),
        None,
        MandateStatus.ACTIVE,
        "Praktik på kommunens arbetsplatser kombinerad med yrkesinriktad svenska.",
    ),
    (
        "Jobbcentrum – vägledning och matchning mot arbete",
        "arbetsmarknad",
        "SN",
        "Jobbcentrum",
        OPERATIONAL,
        Origin.ORDINARY,
        None,
        "kf-reglemente",
        "SN",
        "Förvaltningschef, socialförvaltningen",
        ReportFrequency.INTERIM,
        dt.date(2023, 1, 1),
        None,
        MandateStatus.ACTIVE,
        "Individuell vägledning, jobbsökaraktiviteter och kontakter med arbetsgivare.",
    ),
    (
        "Kommunala extratjänster för nyanlända",
        "arbetsmarknad",
        "SN",
        "Arbetsmarknadsenheten",
        OPERATIONAL,
        Origin.COMMISSIONED_KS,
        "KS",
        None,  # deliberate gap: the commissioning decision has not been registered
        "KS",
        "Integrationsstrateg, kommunledningskontoret",
        ReportFrequency.TERTIAL,
        dt.date(2024, 1, 1),
        dt.date(2026, 12, 31),
        MandateStatus.ACTIVE,
        "Tidsbegränsade anställningar i kommunens verksamheter. Uppdraget gavs muntligt i "
        "budgetdialogen; beslutet är inte registrerat.",
    ),
    (
        "Strategisk styrning av kommunens arbetsmarknadspolitik",
        "arbetsmarknad",
        "KS",
        "Enheten för strategisk utveckling",
        STRATEGIC,
        Origin.ORDINARY,
        None,
        "kf-reglemente",
        "KF",
        "Kommunfullmäktige genom årsredovisningen",
        ReportFrequency.ANNUAL,
        dt.date(2023, 1, 1),
        None,
        MandateStatus.ACTIVE,
        "Mål och prioriteringar för kommunens arbetsmarknadsinsatser och samverkan med staten.",
    ),
    (
        "Lokal överenskommelse med Arbetsförmedlingen",
        "arbetsmarknad",
        "KS",
        "Arbetsmarknadsenheten",
        OPERATIONAL,
        Origin.AGREEMENT,
        "AF",
        "ks-af",
        "KS",
        "Integrationsstrateg, kommunledningskontoret",
        ReportFrequency.INTERIM,
        dt.date(2022, 1, 1),
        dt.date(2025, 12, 31),
        MandateStatus.ACTIVE,
        "Gemensam planering med Arbetsförmedlingen för nyanlända och långtidsarbetslösa; "
        "kommunens del utförs av arbetsmarknadsenheten.",
    ),
    (
        "Arbetslivsinriktad rehabilitering med Samordningsförbundet Väst",
        "arbetsmarknad",
        "SN",
        "Jobbcentrum",
        OPERATIONAL,
        Origin.AGREEMENT,
        "SFV",
        "sn-sfv",
        "SN",
        "Enhetschef, arbetsmarknadsenheten",
        ReportFrequency.INTERIM,
        dt.date(2022, 3, 1),
        None,
        MandateStatus.ACTIVE,
        "Insats finansierad av samordningsförbundet för personer långt från arbetsmarknaden.",
    ),
    (
        "Mottagande och bosättning av nyanlända",
        "integration",
        "SN",
        "Integrationsenheten",
        OPERATIONAL,
        Origin.COMMISSIONED_KS,
        "KS",
        "ks-bosattning",
        "KS",
        "Integrationsstrateg, kommunledningskontoret",
        ReportFrequency.INTERIM,
        dt.date(2016, 3, 1),
        None,
        MandateStatus.ACTIVE,
        "Mottagande av anvisade nyanlända enligt bosättningslagen, introduktion och stöd de "
        "första två åren.",
    ),
    (
        "Samhällsorientering för nyanlända",
        "integration",
        "GVN",
        "Vuxenutbildningen",
        OPERATIONAL,
        Origin.COMMISSIONED_KS,
        "KS",
        "ks-so",
        "GVN",
        "Rektor, vuxenutbildningen",
        ReportFrequency.ANNUAL,
        dt.date(2018, 7, 1),
        None,
        MandateStatus.ACTIVE,
        "Samhällsorientering enligt lagen om samhällsorientering för vissa nyanlända invandrare.",
    ),
    (
        "Utbildning i svenska för invandrare (SFI)",
        "utbildning",
        "GVN",
        "SFI",
        OPERATIONAL,
        Origin.ORDINARY,
        None,
        "kf-reglemente",
        "GVN",
        "Förvaltningschef, utbildningsförvaltningen",
        ReportFrequency.INTERIM,
        dt.date(2023, 1, 1),
        None,
        MandateStatus.ACTIVE,
        "Kommunal vuxenutbildning i svenska för invandrare enligt skollagen.",
    ),
    (
        "Yrkesvux med yrkessvenska",
        "utbildning",
        "GVN",
        "Vuxenutbildningen",
        OPERATIONAL,
        Origin.ORDINARY,
        None,
        "kf-reglemente",
        "GVN",
        "Rektor, vuxenutbildningen",
        ReportFrequency.INTERIM,
        dt.date(2023, 1, 1),
        None,
        MandateStatus.ACTIVE,
        "Yrkesutbildning kombinerad med svenska för nyanlända.",
    ),
    (
        "Introduktion av nyanlända elever i grundskolan",
        "utbildning",
        "BUN",
        "Barn- och utbildningsförvaltningen",
        OPERATIONAL,
        Origin.ORDINARY,
        None,
        "kf-reglemente",
        "BUN",
        "Förvaltningschef, barn- och utbildningsförvaltningen",
        ReportFrequency.INTERIM,
        dt.date(2023, 1, 1),
        None,
        MandateStatus.ACTIVE,
        "Kartläggning, förberedelseklass och studiehandledning på modersmålet.",
    ),
    (
        "Kommunala aktivitetsansvaret för unga utanför",
        "utbildning",
        "GVN",
        "Utbildningsförvaltningen",
        OPERATIONAL,
        Origin.ORDINARY,
        None,
        "kf-reglemente",
        None,  # deliberate gap: nobody follows this mandate up
        "",
        ReportFrequency.ANNUAL,
        dt.date(2023, 1, 1),
        None,
        MandateStatus.ACTIVE,
        "Hålla sig informerad om och erbjuda åtgärder till unga under 20 år som inte studerar "
        "eller arbetar, bland dem många nyanlända.",
    ),
    (
        "Språkcaféer och digital delaktighet på biblioteket",
        "social-inkludering",
        "KFN",
        "Biblioteket",
        OPERATIONAL,
        Origin.ORDINARY,
        None,
        "kf-reglemente",
        "KFN",
        "Bibliotekschef",
        ReportFrequency.ANNUAL,
        dt.date(2023, 1, 1),
        None,
        MandateStatus.ACTIVE,
        "Språkcaféer med frivilliga, läxhjälp och hjälp med digitala tjänster.",
    ),
    (
        "Samordning av arbetet med social inkludering",
        "social-inkludering",
        "KS",
        "Enheten för strategisk utveckling",
        STRATEGIC,
        Origin.ORDINARY,
        None,
        "ks-2017",
        "KF",
        "Kommunfullmäktige genom årsredovisningen",
        ReportFrequency.ANNUAL,
        dt.date(2017, 7, 1),
        None,
        MandateStatus.ACTIVE,
        "Leda och samordna arbetet med social inkludering över förvaltningsgränserna.",
    ),
    (
        "Bostäder för nyanlända enligt ägardirektiv",
        "bostad",
        "VBB",
        "VBB",
        OPERATIONAL,
        Origin.COMMISSIONED_KS,
        "KS",
        "ks-vbb",
        "KS",
        "Ekonomichef, kommunledningskontoret",
        ReportFrequency.ANNUAL,
        dt.date(2016, 4, 1),
        None,
        MandateStatus.ACTIVE,
        "Tillhandahålla lägenheter för anvisade nyanlända i den omfattning ägardirektivet anger.",
    ),
    (
        "Bostadsförsörjningsprogram",
        "bostad",
        "KS",
        "Samhällsbyggnadsförvaltningen",
        STRATEGIC,
        Origin.ORDINARY,
        None,
        "kf-reglemente",
        "KS",
        "Kommundirektör",
        ReportFrequency.ANNUAL,
        dt.date(2023, 1, 1),
        None,
        MandateStatus.ACTIVE,
        "Riktlinjer för bostadsförsörjningen, bland annat för nyanlända och andra grupper med "
        "svag ställning på bostadsmarknaden.",
    ),
    (
        "Hälsokommunikatörer för nyanlända",
        "halsa",
        "SN",
        "Integrationsenheten",
        OPERATIONAL,
        Origin.AGREEMENT,
        "VGR",
        "sn-vgr",
        "SN",
        "Enhetschef, integrationsenheten",
        ReportFrequency.ANNUAL,
        dt.date(2023, 6, 1),
        None,
        MandateStatus.ACTIVE,
        "Hälsoinformation på modersmål i samverkan med regionen.",
    ),
    (
        "Hälsosamtal för nyanlända elever",
        "halsa",
        "BUN",
        "Elevhälsan",
        OPERATIONAL,
        Origin.ORDINARY,
        None,
        "kf-reglemente",
        "BUN",
        "Verksamhetschef, elevhälsan",
        ReportFrequency.ANNUAL,
        dt.date(2023, 1, 1),
        None,
        MandateStatus.ACTIVE,
        "Hälsosamtal och vaccinationsgenomgång för nyanlända elever.",
    ),
    (
        "ESF-projektet Vägen in",
        "arbetsmarknad",
        "SN",
        "Arbetsmarknadsenheten",
        OPERATIONAL,
        Origin.COMMISSIONED_KS,
        "KS",
        "ks-esf",
        "KS",
        "Integrationsstrateg, kommunledningskontoret",
        ReportFrequency.TERTIAL,
        dt.date(2018, 2, 1),
        dt.date(2020, 12, 31),
        MandateStatus.COMPLETED,
        "Avslutat projekt med vägledning och praktik för nyanlända kvinnor.",
    ),
]


def _performer(name: str) -> dict:
    body = Body.objects.filter(short_name=name).first()
    if body is not None:
        return {"performer_body": body, "performer_unit": None}
    return {"performer_body": None, "performer_unit": Unit.objects.get(name=name)}


def load(ctx) -> None:
    areas = {}
    for code, name, order, description in AREAS:
        area = PolicyArea.objects.filter(code=code).first() or save_policy_area(
            PolicyArea(code=code, name=name, order=order, description=description)
        )
        areas[code] = area
    decisions = {}
    for key, (body, date, section, case_number, title) in DECISIONS.items():
        body_obj = Body.objects.get(short_name=body)
        decision = Decision.objects.filter(body=body_obj, date=date, section=section).first()
        decisions[key] = decision or save_decision(
            Decision(
                body=body_obj, date=date, section=section, case_number=case_number, title=title
            )
        )
    bodies = {b.short_name: b for b in Body.objects.all()}
    for (
        title,
        area_code,
        owner,
        performer,
        level,
        origin,
        commissioner,
        decision_key,
        follow_up,
        role,
        frequency,
        start,
        end,
        status,
        description,
    ) in MANDATES:
        if Mandate.objects.filter(title=title, owner=bodies[owner]).exists():
            continue
        save_mandate(
            Mandate(
                title=title,
                description=description,
                policy_area=areas[area_code],
                owner=bodies[owner],
                level=level,
                origin=origin,
                commissioned_by=bodies[commissioner] if commissioner else None,
                decision=decisions[decision_key] if decision_key else None,
                follow_up_body=bodies[follow_up] if follow_up else None,
                follow_up_role=role,
                report_frequency=frequency,
                start=start,
                end=end,
                status=status,
                **_performer(performer),
            )
        )
    ctx.log(f"    {len(MANDATES)} mandates, {len(DECISIONS)} decisions, {len(AREAS)} areas")
