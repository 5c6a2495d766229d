"""Demo steering documents: the integration platform in two versions, sent to every committee.

The 2019 version was adopted by KS and superseded by the 2024 revision; the 2024 version was
sent to the five committees, SN and BUN have acknowledged it, KFN is past its deadline, SBN and
GVN were given more time. The guidelines for labour-market interventions are past their review
date, so the governance check and the reminders have something to find. Dates of deadlines are
relative to the day the demo is loaded, so there is always something due and something late.
"""

from __future__ import annotations

import datetime as dt

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone

from etablera.accounts.models import RoleAssignment, User
from etablera.accounts.roles import Role
from etablera.mandates.models import Decision
from etablera.organisation.models import Body, Unit
from etablera.web.demo import DEMO_OPERATOR

from . import services
from .models import (
    Acknowledgement,
    Distribution,
    DocumentKind,
    DocumentVersion,
    SteeringDocument,
    VersionStatus,
)

ORDER = 40

PLATFORM_2019 = """\
# Plattform för integrationssamverkan

## Syfte
Plattformen beskriver hur Vänersborgs kommun och dess samverkansparter tillsammans tar emot
nyanlända och stödjer deras etablering i arbete, studier och samhällsliv.

## Ansvar
- **Kommunstyrelsen** samordnar kommunens integrationsarbete.
- **Socialnämnden** ansvarar för mottagande, försörjningsstöd och arbetsmarknadsinsatser.
- **Barn- och utbildningsnämnden** ansvarar för skolgång för nyanlända barn och unga.

## Samverkan
Ett samverkansforum med Arbetsförmedlingen träffas fyra gånger om året.
"""

PLATFORM_2024 = """\
# Plattform för integrationssamverkan 2024–2027

## Syfte
Plattformen anger hur kommunens nämnder och bolag, Arbetsförmedlingen, Västra
Götalandsregionen och Samordningsförbundet Väst samverkar så att nyanlända snabbt kommer i
arbete eller studier och blir delaktiga i samhället.

## Mål
1. Fler nyanlända i arbete eller studier ett år efter avslutad insats.
2. Kortare tid från kommunmottagande till första insats.
3. En sammanhållen planering för varje hushåll.

## Roller och ansvar

| Aktör | Ansvar | Nivå |
|---|---|---|
| Kommunstyrelsen | Strategisk samordning, uppföljning av plattformen | Strategisk |
| Socialnämnden | Arbetsmarknadsinsatser på uppdrag av KS, försörjningsstöd | Operativ |
| Barn- och utbildningsnämnden | Skolgång och elevhälsa för nyanlända barn | Operativ |
| Gymnasie- och vuxenutbildningsnämnden | SFI och vuxenutbildning | Operativ |
| Kultur- och fritidsnämnden | Biblioteket som mötesplats, föreningslivet | Operativ |
| Samhällsbyggnadsnämnden | Bostadsförsörjning för nyanlända | Operativ |

## Samverkan och uppföljning
- Varje nämnd kvitterar plattformen och beskriver hur den tillämpas i den egna verksamheten.
- Nämnderna rapporterar sitt arbete i delårs- och helårsuppföljningen.
- Kommunstyrelsen sammanställer uppföljningen och redovisar den för kommunfullmäktige.

Mer om statens ansvar finns hos [Arbetsförmedlingen](https://arbetsformedlingen.se/).
"""

CHANGES_2024 = (
    "Reviderad efter granskningen 2022: tydligare ansvar mellan kommunstyrelsen och nämnderna, "
    "mål för etableringen och krav på kvittens och uppföljning i varje nämnd."
)

PROGRAMME = """\
# Program för social hållbarhet 2024–2027

## Inriktning
Kommunen ska minska skillnaderna i livsvillkor mellan kommundelar och grupper.

## Prioriterade områden
- Barns och ungas uppväxtvillkor, med skolnärvaro och fullföljda studier.
- Arbete och egen försörjning.
- Trygga och inkluderande bostadsområden.

## Uppföljning
Varje nämnd redovisar sina åtgärder i årsredovisningen.
"""

ROUTINE = """\
# Rutin för samverkan kring nyanlända med Arbetsförmedlingen

1. Arbetsförmedlingen meddelar kommunen när en person anvisas.
2. Arbetsmarknadsenheten kallar till ett gemensamt planeringsmöte inom tre veckor.
3. Planeringen dokumenteras och följs upp var tredje månad.
"""

GUIDELINES_PDF_LINES = [
    "Riktlinjer för arbetsmarknadsinsatser",
    "Antagna av socialnämnden 2021-09-22, § 87",
    "",
    "1. Varje insats utgår från en individuell planering.",
    "2. Insatsen ska ha ett tydligt mål: arbete, studier eller annan försörjning.",
    "3. Deltagarens status följs upp vid avslut och 90 dagar efter avslut.",
    "4. Insatser på uppdrag av kommunstyrelsen rapporteras till uppdragsgivaren.",
]

ACK_TEXTS = {
    ("platform-2019", "SN"): (
        "Plattformen har delgetts socialnämnden och förvaltningens ledningsgrupp. "
        "Integrationsenheten ansvarar för att sprida den till berörda enheter."
    ),
    ("platform-2024", "SN"): (
        "Socialnämnden behandlade plattformen 2024-05-22 (§ 64). Arbetsmarknadsenheten och "
        "försörjningsstödsenheten har fått i uppdrag att samordna planeringen för nyanlända med "
        "Arbetsförmedlingen enligt avsnittet om samverkan. Enhetscheferna följer upp arbetet i "
        "delårs- och helårsrapporterna till nämnden."
    ),
    ("platform-2024", "BUN"): (
        "Barn- och utbildningsnämnden tillämpar plattformen genom att elevhälsan och "
        "mottagningen för nyanlända elever deltar i samverkansforumet. Kartläggning av "
        "skolbakgrund görs inom två månader efter ankomst, och resultatet delas med SFI och "
        "vuxenutbildningen när vårdnadshavarna samtycker."
    ),
    ("programme", "BUN"): (
        "Programmet har behandlats i förvaltningens ledningsgrupp. Målen om skolnärvaro och "
        "fullföljda studier ingår i nämndens verksamhetsplan för 2025."
    ),
    ("guidelines", "Arbetsmarknadsenheten"): (
        "Riktlinjerna används vid varje planering av insats. Jobbcentrum har uppdaterat sin "
        "rutin för anvisning och uppföljning 90 dagar efter avslut."
    ),
}


def _pdf_text(value: str) -> str:
    encoded = value.encode("cp1252", errors="replace").decode("latin-1")
    return encoded.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")


def simple_pdf(lines: list[str]) -> bytes:
    """A small, valid one-page PDF with the given lines (Helvetica, Windows-1252 text)."""
    stream_lines = ["BT", "/F1 12 Tf", "15 TL", "72 770 Td"]
    for i, line in enumerate(lines):
        size = "16" if i == 0 else "12"
        stream_lines.append(f"/F1 {size} Tf ({_pdf_text(line)}) Tj T*")
    stream_lines.append("ET")
    stream = "\n".join(stream_lines).encode("latin-1")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
        b"/Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
    ]
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


def _decision(short: str, date: dt.date, section: str, case_number: str, title: str) -> Decision:
    decision, _ = Decision.objects.get_or_create(
        body=Body.objects.get(short_name=short),
        date=date,
        section=section,
        defaults={"case_number": case_number, "title": title},
    )
    return decision


def _document(title: str, kind: str, owner: str, review_by: dt.date, description: str):
    document, _ = SteeringDocument.objects.get_or_create(
        owner=Body.objects.get(short_name=owner),
        title=title,
        defaults={"kind": kind, "review_by": review_by, "description": description},
    )
    return document


def _version(document: SteeringDocument, number: int, *, author, **fields) -> DocumentVersion:
    existing = document.versions.filter(number=number).first()
    if existing:
        return existing
    return services.save_version(DocumentVersion(document=document, **fields), actor=author)


def _adopt(version: DocumentVersion, decision: Decision) -> DocumentVersion:
    if version.status == VersionStatus.DRAFT:
        return services.adopt_version(version, decision, actor=DEMO_OPERATOR)
    return version


def _send(version, recipients, *, sent_on, deadline, author) -> dict[str, Distribution]:
    bodies = [r for r in recipients if isinstance(r, Body)]
    units = [r for r in recipients if isinstance(r, Unit)]
    sent_bodies = set(version.distributions.values_list("body_id", flat=True))
    sent_units = set(version.distributions.values_list("unit_id", flat=True))
    new_bodies = [b for b in bodies if b.pk not in sent_bodies]
    new_units = [u for u in units if u.pk not in sent_units]
    if new_bodies or new_units:
        services.distribute(
            version,
            bodies=new_bodies,
            units=new_units,
            deadline=deadline,
            actor=author,
            sent_on=sent_on,
        )
    result = {}
    for distribution in version.distributions.select_related("body", "unit"):
        key = distribution.unit.name if distribution.unit_id else distribution.body.short_name
        result[key] = distribution
    return result


def _acknowledge(distribution: Distribution, user: User, text: str, when: dt.datetime) -> None:
    if Acknowledgement.objects.filter(distribution=distribution).exists():
        return
    acknowledgement = services.acknowledge_distribution(distribution, actor=user, text=text)
    Acknowledgement.objects.filter(pk=acknowledgement.pk).update(acknowledged_at=when)


def _at(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(10, 0)))


def _bun_reporter() -> User:
    """The reporter of BUN who acknowledged for it (not a demo login: no password)."""
    user, created = User.objects.get_or_create(
        username="rapportor.bun",
        defaults={
            "first_name": "Beatrice",
            "last_name": "Berg",
            "title": "Nämndsekreterare, barn- och utbildningsnämnden",
            "email": "rapportor.bun@vanersborg.example",
        },
    )
    if created:
        user.set_unusable_password()
        user.save()
    RoleAssignment.objects.get_or_create(
        user=user, role=Role.REPORTER, body=Body.objects.get(short_name="BUN"), unit=None
    )
    return user


def load(ctx) -> None:
    today = timezone.localdate()
    strategist = User.objects.get(username="strateg")
    sn_reporter = User.objects.get(username="rapportor")
    bun_reporter = _bun_reporter()
    body = {
        short: Body.objects.get(short_name=short) for short in ("SN", "BUN", "KFN", "SBN", "GVN")
    }
    labour_unit = Unit.objects.get(name="Arbetsmarknadsenheten")

    # The integration platform: 2019, superseded by the 2024 revision.
    platform = _document(
        "Plattform för integrationssamverkan",
        DocumentKind.PLATFORM,
        "KS",
        max(dt.date(2027, 12, 31), today + dt.timedelta(days=180)),
        "Kommunens gemensamma plattform för mottagande och etablering av nyanlända, med "
        "samverkansparterna Arbetsförmedlingen, regionen och samordningsförbundet.",
    )
    decision_2019 = _decision(
        "KS", dt.date(2019, 5, 22), "§ 112", "KS 2019/143", "Plattform för integrationssamverkan"
    )
    decision_2024 = _decision(
        "KS",
        dt.date(2024, 3, 13),
        "§ 54",
        "KS 2023/398",
        "Revidering av plattform för integrationssamverkan",
    )
    v2019 = _version(platform, 1, author=strategist, text=PLATFORM_2019)
    if v2019.status == VersionStatus.DRAFT:
        _adopt(v2019, decision_2019)
        sent = _send(
            v2019,
            [body["SN"], body["BUN"]],
            sent_on=dt.date(2019, 6, 3),
            deadline=dt.date(2019, 9, 30),
            author=strategist,
        )
        _acknowledge(
            sent["SN"], sn_reporter, ACK_TEXTS[("platform-2019", "SN")], _at(dt.date(2019, 9, 12))
        )
    v2024 = _version(platform, 2, author=strategist, text=PLATFORM_2024, changes=CHANGES_2024)
    _adopt(v2024, decision_2024)
    committees = [body[s] for s in ("SN", "BUN", "KFN", "SBN", "GVN")]
    sent = _send(
        v2024,
        committees,
        sent_on=dt.date(2024, 4, 2),
        deadline=dt.date(2024, 6, 28),
        author=strategist,
    )
    _acknowledge(
        sent["SN"], sn_reporter, ACK_TEXTS[("platform-2024", "SN")], _at(dt.date(2024, 5, 27))
    )
    _acknowledge(
        sent["BUN"], bun_reporter, ACK_TEXTS[("platform-2024", "BUN")], _at(dt.date(2024, 6, 19))
    )
    # KFN stays past its deadline; SBN and GVN asked for more time.
    services.change_deadline(sent["SBN"], today + dt.timedelta(days=5), actor=DEMO_OPERATOR)
    services.change_deadline(sent["GVN"], today + dt.timedelta(days=45), actor=DEMO_OPERATOR)

    # Guidelines for labour-market interventions: a PDF, past its review date.
    guidelines = _document(
        "Riktlinjer för arbetsmarknadsinsatser",
        DocumentKind.GUIDELINE,
        "SN",
        min(dt.date(2024, 9, 30), today - dt.timedelta(days=30)),
        "Socialnämndens riktlinjer för planering, genomförande och uppföljning av "
        "arbetsmarknadsinsatser.",
    )
    decision_sn = _decision(
        "SN", dt.date(2021, 9, 22), "§ 87", "SN 2021/211", "Riktlinjer för arbetsmarknadsinsatser"
    )
    if not guidelines.versions.exists():
        path = "styrdokument/demo/riktlinjer-arbetsmarknadsinsatser.pdf"
        if not default_storage.exists(path):
            path = default_storage.save(path, ContentFile(simple_pdf(GUIDELINES_PDF_LINES)))
        version = DocumentVersion(document=guidelines, number=1, created_by=strategist)
        version.file.name = path
        version.file_name = "riktlinjer-arbetsmarknadsinsatser.pdf"
        version.full_clean()
        version.save()
        _adopt(version, decision_sn)
        sent = _send(
            version,
            [labour_unit],
            sent_on=dt.date(2021, 10, 4),
            deadline=dt.date(2021, 11, 30),
            author=strategist,
        )
        _acknowledge(
            sent["Arbetsmarknadsenheten"],
            sn_reporter,
            ACK_TEXTS[("guidelines", "Arbetsmarknadsenheten")],
            _at(dt.date(2021, 11, 15)),
        )

    # The social sustainability programme: sent lately, due within a week.
    programme = _document(
        "Program för social hållbarhet 2024–2027",
        DocumentKind.PROGRAMME,
        "KF",
        max(dt.date(2027, 6, 30), today + dt.timedelta(days=180)),
        "Kommunfullmäktiges program för minskade skillnader i livsvillkor.",
    )
    decision_kf = _decision(
        "KF", dt.date(2024, 6, 17), "§ 71", "KS 2024/120", "Program för social hållbarhet"
    )
    version = _version(programme, 1, author=strategist, text=PROGRAMME)
    _adopt(version, decision_kf)
    sent = _send(
        version,
        [body["SN"], body["BUN"], body["GVN"]],
        sent_on=today - dt.timedelta(days=20),
        deadline=today + dt.timedelta(days=6),
        author=strategist,
    )
    _acknowledge(
        sent["BUN"],
        bun_reporter,
        ACK_TEXTS[("programme", "BUN")],
        _at(today - dt.timedelta(days=3)),
    )

    # A routine still being drafted.
    routine = _document(
        "Rutin för samverkan kring nyanlända med Arbetsförmedlingen",
        DocumentKind.ROUTINE,
        "SN",
        today + dt.timedelta(days=365),
        "Hur arbetsmarknadsenheten och Arbetsförmedlingen planerar tillsammans.",
    )
    _version(routine, 1, author=strategist, text=ROUTINE)
