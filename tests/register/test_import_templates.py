"""Names through the import, and the template files the import page offers: their headers come
from the importer's column definitions, so a template always imports."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from etablera.accounts.roles import Role
from etablera.register import import_templates
from etablera.register.importing import fields
from etablera.register.models import ImportKind, Participant
from tests.register.factories import InterventionFactory, ParticipantFactory, next_number
from tests.register.test_import import do_import, encode


@pytest.mark.parametrize("kind", [ImportKind.PARTICIPANTS, ImportKind.ENROLMENTS])
def test_every_template_header_is_read_as_its_column(kind):
    headers = import_templates.headers(kind)
    mapped, unknown = fields.map_header(headers, import_templates.COLUMNS[kind])
    assert unknown == []
    assert sorted(mapped) == sorted(import_templates.COLUMNS[kind])
    assert len(mapped) == len(headers)


def test_participant_template_has_the_name_columns():
    headers = import_templates.headers(ImportKind.PARTICIPANTS)
    assert headers[:2] == ["Personnummer", "Reservnummer"]
    assert "Förnamn" in headers and "Efternamn" in headers


def test_a_filled_in_csv_template_imports(coach_unit):
    template = import_templates.csv_bytes(ImportKind.PARTICIPANTS).decode("utf-8-sig")
    headers = template.strip().split(";")
    row = {h: "" for h in headers} | {
        "Personnummer": next_number(),
        "Förnamn": "  Amina  ",
        "Efternamn": "Haddad Osman",
        "Kön": "K",
    }
    data = (template + ";".join(row[h] for h in headers) + "\r\n").encode("utf-8")
    result = do_import("participants", data, coach_unit)
    assert result.committed, [e.message for e in result.errors.first]
    person = Participant.objects.get()
    assert (person.given_name, person.family_name) == ("Amina", "Haddad Osman")


def test_a_filled_in_excel_template_imports(coach_unit):
    book = load_workbook(io.BytesIO(import_templates.xlsx_bytes(ImportKind.PARTICIPANTS)))
    sheet = book.active
    headers = [c.value for c in sheet[1]]
    sheet.append(
        [
            {"Reservnummer": "R2025-00077", "Förnamn": "Olena", "Efternamn": "Melnyk"}.get(h)
            for h in headers
        ]
    )
    out = io.BytesIO()
    book.save(out)
    result = do_import("participants", out.getvalue(), coach_unit, name="mall.xlsx")
    assert result.committed, [e.message for e in result.errors.first]
    assert Participant.objects.get().family_name == "Melnyk"


def test_reimport_updates_names_and_a_file_without_names_keeps_them(coach_unit):
    number = next_number()
    header = ["Personnummer", "Förnamn", "Efternamn"]
    do_import("participants", encode([header, [number, "Yusuf", "Ali"]]), coach_unit)
    do_import("participants", encode([header, [number, "Yusuf", "Ahmadi"]]), coach_unit)
    assert Participant.objects.get().family_name == "Ahmadi"
    do_import("participants", encode([["Personnummer", "Kön"], [number, "M"]]), coach_unit)
    person = Participant.objects.get()
    assert (person.given_name, person.family_name) == ("Yusuf", "Ahmadi")


def test_a_too_long_name_is_refused_without_repeating_it(coach_unit):
    long_name = "Abdullahi" * 12
    result = do_import(
        "participants",
        encode([["Personnummer", "Efternamn"], [next_number(), long_name]]),
        coach_unit,
    )
    assert not result.committed and not Participant.objects.exists()
    error = result.errors.first[0]
    assert error.column == "Efternamn" and "100 tecken" in error.message
    assert "Abdullahi" not in error.value


@pytest.mark.parametrize(
    ("kind", "fmt", "content_type"),
    [
        ("participants", "csv", "text/csv"),
        ("enrolments", "csv", "text/csv"),
        ("participants", "xlsx", "spreadsheetml"),
        ("enrolments", "xlsx", "spreadsheetml"),
    ],
)
def test_the_import_page_offers_the_templates(client, coach, kind, fmt, content_type):
    client.force_login(coach)
    page = client.get(reverse("register:import")).content.decode()
    url = reverse("register:import-template", args=[kind, fmt])
    assert url in page
    response = client.get(url)
    assert response.status_code == 200
    assert content_type in response["Content-Type"]
    assert "attachment" in response["Content-Disposition"]


def test_templates_are_for_those_who_may_import(client, make_user):
    client.force_login(make_user(Role.READER))
    url = reverse("register:import-template", args=["participants", "csv"])
    assert client.get(url).status_code == 403


def test_an_unknown_template_is_404(client, coach):
    client.force_login(coach)
    url = reverse("register:import-template", args=["people", "csv"])
    assert client.get(url).status_code == 404
    url = reverse("register:import-template", args=["participants", "pdf"])
    assert client.get(url).status_code == 404


def test_the_api_shows_names_to_the_coach_only(client, coach, coach_unit, other_coach):
    person = ParticipantFactory(owning_unit=coach_unit, given_name="Dawit", family_name="Berhane")
    client.force_login(coach)
    data = client.get(f"/api/participants/{person.pk}/").json()
    assert (data["given_name"], data["family_name"]) == ("Dawit", "Berhane")
    client.force_login(other_coach)
    assert client.get(f"/api/participants/{person.pk}/").status_code == 404


def test_generated_names_are_the_same_for_a_seed(coach_unit):
    from etablera.register.generator import FAMILY_NAMES, GIVEN_NAMES, generate

    InterventionFactory(provider_unit=coach_unit)
    generate(30, unit=coach_unit, seed=5)
    first = sorted(Participant.objects.values_list("given_name", "family_name", "gender"))
    Participant.objects.all().delete()
    generate(30, unit=coach_unit, seed=5)
    again = sorted(Participant.objects.values_list("given_name", "family_name", "gender"))
    assert again == first
    for given, family, gender in first:
        assert given in GIVEN_NAMES[gender] and family in FAMILY_NAMES
