"""Parsing single values of an import file, and recognising its column headers.

Each parser takes the cell's text and returns the value to store, or raises
:class:`FieldError` with a Swedish message. They are pure functions so they can be tested with
generated input (hypothesis) and cached per distinct value during a bulk import.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

from ..countries import COUNTRY_NAMES
from ..models import EducationLevel, Gender, Livelihood, ReferredBy


class FieldError(ValueError):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def normalise(text: str) -> str:
    """Lower case, Swedish letters folded to a/o, everything but letters and digits removed.

    Used for column headers and for the words of choice columns, so "Timmar/vecka",
    "timmar per vecka" and "TIMMAR_PER_VECKA" meet.
    """
    folded = unicodedata.normalize("NFKD", text.strip().lower())
    folded = "".join(c for c in folded if not unicodedata.combining(c))
    return re.sub(r"[^a-z0-9<>+]", "", folded)


# --- dates ----------------------------------------------------------------------------------

_ISO = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
_EIGHT = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
_SIX = re.compile(r"^(\d{2})(\d{2})(\d{2})$")
_EXCEL_MIDNIGHT = re.compile(r"^(\d{4}-\d{2}-\d{2})[ T]00:00(:00)?$")


def parse_date(text: str, today: dt.date | None = None) -> dt.date:
    """``YYYY-MM-DD``, ``YYYYMMDD`` or ``YYMMDD``.

    A six-digit date falls in this century unless that would put it more than five years
    ahead, then in the previous one (so 991231 is 1999-12-31 and 240115 is 2024-01-15).
    """
    value = text.strip()
    midnight = _EXCEL_MIDNIGHT.match(value)
    if midnight:  # what Excel writes for a date cell saved to CSV with a time format
        value = midnight.group(1)
    match = _ISO.match(value) or _EIGHT.match(value)
    if match:
        year = int(match.group(1))
    else:
        match = _SIX.match(value)
        if not match:
            raise FieldError(_("Datumet ska skrivas ÅÅÅÅ-MM-DD, ÅÅÅÅMMDD eller ÅÅMMDD."))
        today = today or dt.date.today()
        year = 2000 + int(match.group(1))
        if year > today.year + 5:
            year -= 100
    try:
        return dt.date(year, int(match.group(2)), int(match.group(3)))
    except ValueError:
        raise FieldError(_("Datumet finns inte i kalendern.")) from None


# --- other simple values ---------------------------------------------------------------------

_TRUE = {"ja", "j", "1", "x", "sant", "true", "yes", "y"}
_FALSE = {"nej", "n", "0", "falskt", "false", "no", ""}


def parse_bool(text: str) -> bool:
    value = normalise(text)
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise FieldError(_("Skriv ja eller nej."))


def parse_hours(text: str) -> Decimal | None:
    value = text.strip().replace(",", ".").replace(" ", "")
    if not value:
        return None
    try:
        hours = Decimal(value)
    except InvalidOperation:
        raise FieldError(
            _("Timmar per vecka ska vara ett tal, till exempel 20 eller 37,5.")
        ) from None
    if not hours.is_finite() or hours < 0 or hours > 80:
        raise FieldError(_("Timmar per vecka ska vara mellan 0 och 80."))
    return hours.quantize(Decimal("0.1"))


def parse_year(text: str, today: dt.date | None = None) -> int | None:
    value = text.strip()
    if not value:
        return None
    today = today or dt.date.today()
    if not value.isdigit() or not (today.year - 130 <= int(value) <= today.year):
        raise FieldError(_("Födelseåret ska vara ett årtal med fyra siffror."))
    return int(value)


NAME_MAX = 100


def parse_name(text: str) -> str:
    """A given or family name: blank allowed, inner whitespace collapsed, at most 100 characters."""
    value = " ".join(text.split())
    if len(value) > NAME_MAX:
        raise FieldError(_("Namnet får vara högst %(n)s tecken.") % {"n": NAME_MAX})
    return value


def parse_country(text: str) -> str:
    value = text.strip()
    if not value:
        return ""
    if len(value) == 2 and value.isalpha() and value.upper() in COUNTRY_NAMES:
        return value.upper()
    code = COUNTRY_BY_NAME.get(normalise(value))
    if code is None:
        raise FieldError(
            _("Okänt land. Ange landets svenska namn eller landskod med två bokstäver (SY).")
        )
    return code


COUNTRY_BY_NAME = {normalise(name): code for code, name in COUNTRY_NAMES.items()}
COUNTRY_BY_NAME.update(
    {
        "syria": "SY",
        "afghanistan": "AF",
        "eritrea": "ER",
        "somalia": "SO",
        "iraq": "IQ",
        "iran": "IR",
        "ukraine": "UA",
        "ethiopia": "ET",
        "statslos": "XX",
        "okant": "XX",
    }
)


CHOICE_MESSAGES = {
    "gender": lambda: _("Kön ska vara K, M eller X."),
    "education_level": lambda: _(
        "Okänd utbildningsnivå. Se dokumentationen för importen för de nivåer som finns."
    ),
    "referred_by": lambda: _(
        "Anvisad av ska vara Arbetsförmedlingen, socialtjänsten, egen eller annan."
    ),
    "livelihood_at_start": lambda: _(
        "Okänd försörjning. Tillåtet: ekonomiskt bistånd, etableringsersättning, aktivitetsstöd, "
        "lön, ingen, okänd."
    ),
}


def _choices(mapping: dict[str, list[str]], message):
    table = {}
    for value, words in mapping.items():
        table[normalise(value)] = value
        for word in words:
            table[normalise(word)] = value

    def parse(text: str, default: str | None = None) -> str:
        key = normalise(text)
        if not key and default is not None:
            return default
        try:
            return table[key]
        except KeyError:
            raise FieldError(message()) from None

    return parse


parse_gender = _choices(
    {
        Gender.WOMAN: ["kvinna", "k", "f", "female", "kvinnor"],
        Gender.MAN: ["man", "m", "male", "män"],
        Gender.OTHER_OR_UNKNOWN: [
            "x",
            "annat",
            "okänt",
            "okänd",
            "annat eller okänt",
            "uppgift saknas",
        ],
    },
    CHOICE_MESSAGES["gender"],
)
parse_education = _choices(
    {
        EducationLevel.PRIMARY_SHORT: [
            "förgymnasial kortare än 9 år",
            "förgymnasial < 9 år",
            "förgymnasial <9",
            "kortare än 9 år",
            "< 9 år",
        ],
        EducationLevel.PRIMARY: [
            "förgymnasial 9 år",
            "förgymnasial 9 (10) år",
            "förgymnasial",
            "grundskola",
            "9 år",
        ],
        EducationLevel.UPPER_SECONDARY: ["gymnasial", "gymnasium", "gymnasieskola"],
        EducationLevel.POST_SECONDARY_SHORT: [
            "eftergymnasial kortare än 3 år",
            "eftergymnasial < 3 år",
            "eftergymnasial <3",
        ],
        EducationLevel.POST_SECONDARY_LONG: [
            "eftergymnasial 3 år eller längre",
            "eftergymnasial >= 3 år",
            "eftergymnasial 3+",
            "högskola",
            "universitet",
        ],
        EducationLevel.UNKNOWN: ["okänd", "uppgift saknas", "saknas"],
    },
    CHOICE_MESSAGES["education_level"],
)
parse_referred_by = _choices(
    {
        ReferredBy.EMPLOYMENT_SERVICE: ["arbetsförmedlingen", "af"],
        ReferredBy.SOCIAL_SERVICES: ["socialtjänsten", "socialtjänst", "soc", "ekonomiskt bistånd"],
        ReferredBy.SELF: ["egen", "egen anmälan", "själv", "självanmälan"],
        ReferredBy.OTHER: ["annan", "annat", "övrig", "övriga"],
    },
    CHOICE_MESSAGES["referred_by"],
)
parse_livelihood = _choices(
    {
        Livelihood.INCOME_SUPPORT: ["ekonomiskt bistånd", "försörjningsstöd", "eb", "fbs"],
        Livelihood.ESTABLISHMENT_BENEFIT: ["etableringsersättning"],
        Livelihood.ACTIVITY_BENEFIT: ["aktivitetsstöd"],
        Livelihood.WAGE: ["lön", "anställning"],
        Livelihood.NONE: ["ingen", "ingen försörjning"],
        Livelihood.UNKNOWN: ["okänd", "uppgift saknas"],
    },
    CHOICE_MESSAGES["livelihood_at_start"],
)

# --- column headers ---------------------------------------------------------------------------

IDENTITY_ALIASES = [
    "personnummer",
    "samordningsnummer",
    "identitetsnummer",
    "personnummer/samordningsnummer",
    "personnummer eller samordningsnummer",
    "person- eller samordningsnummer",
    "pnr",
    "personnr",
    "pers.nr",
    "id-nummer",
]
RESERVE_ALIASES = ["reservnummer", "reservnr", "reserv-id", "lokalt reservnummer"]

PARTICIPANT_COLUMNS: dict[str, list[str]] = {
    "identity": IDENTITY_ALIASES,
    "reserve_number": RESERVE_ALIASES,
    "owning_unit": ["enhet", "ansvarig enhet", "ägande enhet", "enhets-id"],
    "given_name": ["förnamn", "tilltalsnamn"],
    "family_name": ["efternamn"],
    "gender": ["kön", "kon", "juridiskt kön"],
    "birth_year": ["födelseår", "fodelsear", "född år"],
    "country_of_birth": ["födelseland", "land", "ursprungsland"],
    "received_on": [
        "kommunmottagen",
        "kommunmottagningsdatum",
        "datum för kommunmottagande",
        "mottagningsdatum",
        "mottagen",
        "mottagen i kommunen",
    ],
    "education_level": ["utbildningsnivå", "utbildning", "utbildningsnivå (SUN 2020)", "SUN 2020"],
    "in_establishment_programme": [
        "etableringsprogrammet",
        "etableringsprogram",
        "i etableringsprogrammet",
        "etablering",
    ],
    "referred_by": ["anvisad av", "anvisande", "remitterad av", "remittent", "hänvisad av"],
    "consent_to_follow_up": ["samtycke till uppföljning", "samtycke", "samtycke uppföljning"],
}

ENROLMENT_COLUMNS: dict[str, list[str]] = {
    "identity": IDENTITY_ALIASES,
    "reserve_number": RESERVE_ALIASES,
    "intervention_code": ["insatskod", "insats-id", "kod"],
    "intervention": ["insats", "insatsnamn", "arbetsmarknadsinsats", "namn på insats"],
    "start": ["startdatum", "start", "från", "från och med", "inskrivningsdatum", "insatsstart"],
    "planned_end": ["planerat slutdatum", "planerat slut", "planerat avslut"],
    "end": ["slutdatum", "slut", "till", "till och med", "avslutsdatum", "utskrivningsdatum"],
    "status_at_start": ["status vid start", "startstatus", "sysselsättning vid start"],
    "livelihood_at_start": ["försörjning vid start", "försörjning", "försörjningskälla"],
    "exit_status": ["status vid avslut", "avslutsstatus", "slutstatus", "avslutsorsak", "utfall"],
    "hours_per_week": ["timmar per vecka", "timmar/vecka", "tim/v", "tim per vecka", "omfattning"],
}


class HeaderProblem(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def _garbled_key(text: str) -> str:
    """What is left of a header when every letter beyond ASCII is lost: "Kön", "KÃ¶n", "K?n"
    and "K\ufffdn" all become "kn"."""
    return re.sub(r"[^a-z0-9]", "", text.strip().lower().encode("ascii", "ignore").decode())


def map_header(
    header: list[str], columns: dict[str, list[str]]
) -> tuple[dict[str, int], list[str]]:
    """Which column index holds which field; and the headers that were not recognised.

    A header that is a known column's name with its Swedish letters garbled (a file saved in
    one encoding and read in another) is refused rather than skipped: skipping it would import
    every row without that column and call it a success.
    """
    lookup = {}
    garbled = {}
    for name, aliases in columns.items():
        for alias in aliases:
            lookup[normalise(alias)] = name
            if not alias.isascii():
                garbled[_garbled_key(alias)] = alias
    found: dict[str, int] = {}
    unknown = []
    for index, title in enumerate(header):
        text = str(title)
        key = normalise(text)
        if not key:
            continue
        found_name = lookup.get(key)
        if found_name is None:
            meant = garbled.get(_garbled_key(text)) if not text.isascii() or "?" in text else None
            if meant is not None:
                raise HeaderProblem(
                    _(
                        "Kolumnen ”%(title)s” ser ut att vara ”%(known)s” med fel teckenkodning. "
                        "Spara filen som UTF-8 (eller Excel) och försök igen."
                    )
                    % {"title": _short(text), "known": meant[:1].upper() + meant[1:]}
                )
            unknown.append(_short(text))
            continue
        if found_name in found:
            raise HeaderProblem(
                _("Kolumnen ”%(title)s” förekommer två gånger (eller har två namn för samma sak).")
                % {"title": _short(text)}
            )
        found[found_name] = index
    return found, unknown


def _short(title: str, limit: int = 40) -> str:
    """A header as messages show it: stripped, without control characters, at most ``limit``."""
    text = "".join(c if c.isprintable() else " " for c in title.strip())
    return text if len(text) <= limit else text[: limit - 1] + "…"
