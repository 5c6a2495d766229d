"""Mandate pages: access, forms with bad input, flags, history, exports and query counts."""

from __future__ import annotations

import datetime as dt
import io
import re

import pytest
from django.urls import reverse
from openpyxl import load_workbook
from pypdf import PdfReader

from etablera.accounts.roles import Role
from etablera.mandates.models import Decision, Mandate, Origin, PolicyArea
from tests.factories import BodyFactory, MunicipalityFactory, UnitFactory
from tests.mandates.factories import DecisionFactory, MandateFactory, PolicyAreaFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def sn(municipality):
    return BodyFactory(municipality=municipality, name="Socialnämnden", short_name="SN")


@pytest.fixture
def ame(sn):
    return UnitFactory(body=sn, name="Arbetsmarknadsenheten")


@pytest.fixture
def area(db):
    return PolicyAreaFactory(name="Arbetsmarknad")


def form_data(area, owner, performer: str, **overrides) -> dict:
    data = {
        "title": "Arbetsmarknadsinsatser för nyanlända",
        "description": "",
        "policy_area": area.pk,
        "owner": owner.pk,
        "performer": performer,
        "level": "operational",
        "origin": "ordinary",
        "commissioned_by": "",
        "decision": "",
        "follow_up_body": owner.pk,
        "follow_up_role": "Förvaltningschef",
        "report_frequency": "tertial",
        "start": "",
        "end": "",
        "status": "active",
    }
    data.update(overrides)
    return data


def field_errors(html: str, field: str) -> str:
    """The error block the form include ties to a field (``id="id_<field>_error…"``)."""
    match = re.search(rf'id="id_{field}_errors?"', html)
    assert match, f"no errors shown at {field}"
    return html[match.start() : html.index("</div>", match.start())]


# --- access ----------------------------------------------------------------------------------


def test_anonymous_user_is_sent_to_login(client, db):
    response = client.get(reverse("mandates:list"))
    assert response.status_code == 302 and "/konto/logga-in/" in response["Location"]


@pytest.mark.parametrize("role", list(Role))
def test_every_role_reads_the_register_and_the_matrix(client, make_user, role, ks):
    mandate = MandateFactory(owner=ks)
    client.force_login(make_user(role))
    for url in (
        reverse("mandates:list"),
        reverse("mandates:matrix"),
        reverse("mandates:detail", args=[mandate.pk]),
        reverse("mandates:decision-list"),
        reverse("mandates:policyarea-list"),
    ):
        assert client.get(url).status_code == 200, url
    html = client.get(reverse("mandates:list")).content.decode()
    assert (reverse("mandates:create") in html) is (role == Role.STRATEGIST)


@pytest.mark.parametrize("role", [Role.READER, Role.REPORTER, Role.COACH, Role.AUDITOR, Role.ADMIN])
def test_only_strategists_change(client, make_user, role, ks, area):
    mandate = MandateFactory(owner=ks)
    decision = DecisionFactory(body=ks)
    client.force_login(make_user(role))
    for url in (
        reverse("mandates:create"),
        reverse("mandates:edit", args=[mandate.pk]),
        reverse("mandates:decision-create"),
        reverse("mandates:decision-edit", args=[decision.pk]),
        reverse("mandates:policyarea-create"),
        reverse("mandates:policyarea-edit", args=[area.pk]),
    ):
        assert client.get(url).status_code == 403, url
    response = client.post(reverse("mandates:create"), form_data(area, ks, f"body:{ks.pk}"))
    assert response.status_code == 403
    assert Mandate.objects.count() == 1


def test_unknown_objects_answer_404(client, reader):
    client.force_login(reader)
    for name in ("mandates:detail", "mandates:edit", "mandates:decision-detail"):
        assert client.get(reverse(name, args=[999999])).status_code == 404


def test_the_app_root_leads_to_the_register(client, reader):
    client.force_login(reader)
    response = client.get("/uppdrag/")
    assert response.status_code == 302 and response["Location"] == reverse("mandates:list")


# --- creating and changing -------------------------------------------------------------------


def test_strategist_creates_a_commissioned_mandate_without_decision_and_sees_the_flag(
    client, strategist, ks, sn, ame, area
):
    client.force_login(strategist)
    response = client.post(
        reverse("mandates:create"),
        form_data(
            area,
            sn,
            f"unit:{ame.pk}",
            origin=Origin.COMMISSIONED_KS,
            commissioned_by=ks.pk,
            follow_up_body=ks.pk,
            start="2024-01-01",
            end="2026-12-31",
        ),
        follow=True,
    )
    mandate = Mandate.objects.get()
    assert mandate.performer_unit == ame and mandate.performer_body is None
    assert mandate.missing_decision
    html = response.content.decode()
    assert response.redirect_chain[-1][0] == reverse("mandates:detail", args=[mandate.pk])
    assert 'id="flag-decision"' in html
    assert "Uppdraget är beställt men saknar beslut." in html  # the message after saving


def test_mandate_without_follow_up_is_flagged(client, reader, sn):
    mandate = MandateFactory(owner=sn, follow_up_body=None)
    client.force_login(reader)
    html = client.get(reverse("mandates:detail", args=[mandate.pk])).content.decode()
    assert 'id="flag-follow-up"' in html and 'id="flag-decision"' not in html


def test_end_before_start_is_refused_next_to_the_field(client, strategist, sn, area):
    client.force_login(strategist)
    response = client.post(
        reverse("mandates:create"),
        form_data(area, sn, f"body:{sn.pk}", start="2025-05-01", end="2025-01-01"),
    )
    assert response.status_code == 200
    assert "Slutdatum kan inte ligga före startdatum." in field_errors(
        response.content.decode(), "end"
    )
    assert not Mandate.objects.exists()


def test_performer_outside_the_municipality_is_refused_next_to_the_field(
    client, strategist, sn, area
):
    foreign = BodyFactory(
        municipality=MunicipalityFactory(code="1488", name="Trollhättans stad"),
        name="Arbetsmarknadsnämnden",
    )
    client.force_login(strategist)
    response = client.post(reverse("mandates:create"), form_data(area, sn, f"body:{foreign.pk}"))
    assert response.status_code == 200
    errors = field_errors(response.content.decode(), "performer")
    assert "Utföraren Arbetsmarknadsnämnden hör inte till Testkommunen." in errors
    assert not Mandate.objects.exists()


@pytest.mark.parametrize("value", ["", "body:999999", "unit:abc", "nonsense"])
def test_missing_or_unknown_performer_is_refused(client, strategist, sn, area, value):
    client.force_login(strategist)
    response = client.post(reverse("mandates:create"), form_data(area, sn, value))
    assert response.status_code == 200
    errors = field_errors(response.content.decode(), "performer")
    assert errors.count("<p>") == 1  # one clear message, not two saying the same
    assert not Mandate.objects.exists()


def test_commissioned_without_commissioner_is_refused(client, strategist, sn, area):
    """An agreement names no body by its origin: the partner must be chosen."""
    client.force_login(strategist)
    response = client.post(
        reverse("mandates:create"),
        form_data(area, sn, f"body:{sn.pk}", origin=Origin.AGREEMENT),
    )
    assert "Ange uppdragsgivare" in field_errors(response.content.decode(), "commissioned_by")
    assert not Mandate.objects.exists()


def test_the_commissioner_follows_from_the_origin(client, strategist, ks, sn, area):
    client.force_login(strategist)
    response = client.post(
        reverse("mandates:create"),
        form_data(area, sn, f"body:{sn.pk}", origin=Origin.COMMISSIONED_KS, follow_up_body=ks.pk),
    )
    assert response.status_code == 302
    assert Mandate.objects.get().commissioned_by == ks


def test_change_history_is_shown_after_an_edit(client, strategist, ks, sn, ame, area):
    mandate = MandateFactory(owner=sn, performer_unit=ame, title="Språkpraktik", policy_area=area)
    client.force_login(strategist)
    data = form_data(area, sn, f"unit:{ame.pk}", title="Språkpraktik för nyanlända")
    data["follow_up_body"] = ks.pk
    response = client.post(reverse("mandates:edit", args=[mandate.pk]), data)
    assert response.status_code == 302
    html = client.get(reverse("mandates:detail", args=[mandate.pk])).content.decode()
    history = html[html.index('id="history-heading"') :]
    assert "Ändrades" in history
    assert str(strategist) in history
    assert "<strong>Rubrik</strong>: Språkpraktik → Språkpraktik för nyanlända" in history
    assert f"<strong>Uppföljningsansvarigt organ</strong>: {sn.name} → {ks.name}" in history


def test_edit_form_offers_the_current_performer(client, strategist, sn, ame):
    mandate = MandateFactory(owner=sn, performer_unit=ame)
    client.force_login(strategist)
    html = client.get(reverse("mandates:edit", args=[mandate.pk])).content.decode()
    assert f'value="unit:{ame.pk}" selected' in html


def test_invalid_edit_keeps_the_original_title_in_the_heading(client, strategist, sn, area):
    mandate = MandateFactory(owner=sn, title="Jobbcentrum", policy_area=area)
    client.force_login(strategist)
    response = client.post(
        reverse("mandates:edit", args=[mandate.pk]), form_data(area, sn, f"body:{sn.pk}", title="")
    )
    assert "Ändra ”Jobbcentrum”" in response.content.decode()
    mandate.refresh_from_db()
    assert mandate.title == "Jobbcentrum"


# --- decisions and policy areas --------------------------------------------------------------


def test_strategist_registers_a_decision_and_links_it(client, strategist, ks, sn, area):
    client.force_login(strategist)
    response = client.post(
        reverse("mandates:decision-create"),
        {
            "body": ks.pk,
            "date": "2017-05-17",
            "section": "§ 123",
            "case_number": "KS 2017/245",
            "title": "Uppdrag till socialnämnden",
            "url": "",
        },
    )
    decision = Decision.objects.get()
    assert response.status_code == 302
    assert decision.reference == "KS 2017-05-17 § 123, dnr KS 2017/245"
    mandate = MandateFactory(
        owner=sn, origin=Origin.COMMISSIONED_KS, commissioned_by=ks, decision=decision
    )
    html = client.get(reverse("mandates:decision-detail", args=[decision.pk])).content.decode()
    assert mandate.title in html
    duplicate = client.post(
        reverse("mandates:decision-create"),
        {"body": ks.pk, "date": "2017-05-17", "section": "§ 123", "title": "Igen"},
    )
    assert "Organet har redan ett beslut med den paragrafen det datumet." in (
        duplicate.content.decode()
    )
    assert Decision.objects.count() == 1


def test_decision_with_a_bad_link_or_date_is_refused(client, strategist, ks):
    client.force_login(strategist)
    response = client.post(
        reverse("mandates:decision-create"),
        {"body": ks.pk, "date": "2017-13-45", "title": "X", "url": "inte en länk"},
    )
    html = response.content.decode()
    assert field_errors(html, "date") and field_errors(html, "url")
    assert not Decision.objects.exists()


def test_strategist_adds_and_renames_a_policy_area(client, strategist):
    client.force_login(strategist)
    client.post(
        reverse("mandates:policyarea-create"),
        {
            "name": "Social inkludering",
            "code": "",
            "description": "",
            "order": 30,
            "is_active": "on",
        },
    )
    area = PolicyArea.objects.get()
    assert area.code == "social-inkludering"
    client.post(
        reverse("mandates:policyarea-edit", args=[area.pk]),
        {"name": "Social hållbarhet", "code": area.code, "order": 30},
    )
    area.refresh_from_db()
    assert area.name == "Social hållbarhet" and not area.is_active


# --- pinned query counts ---------------------------------------------------------------------


def test_register_query_count_does_not_grow_with_rows(
    client, reader, sn, ame, ks, django_assert_max_num_queries
):
    client.force_login(reader)
    MandateFactory(owner=sn, performer_unit=ame)
    url = reverse("mandates:list") + "?sort=performer&q=Uppdrag"
    with django_assert_max_num_queries(12) as few:
        client.get(url)
    few_count = len(few.captured_queries)  # read before another request
    decision = DecisionFactory(body=ks)
    for i in range(60):
        MandateFactory(
            owner=sn,
            performer_unit=ame if i % 2 else None,
            origin=Origin.COMMISSIONED_KS if i % 3 else Origin.ORDINARY,
            commissioned_by=ks if i % 3 else None,
            decision=decision if i % 6 == 1 else None,
            follow_up_body=ks if i % 5 else None,
        )
    with django_assert_max_num_queries(few_count):
        response = client.get(url)
    assert response.content.decode().count('href="/uppdrag/register/') >= 50


@pytest.mark.parametrize("name", ["mandates:decision-list", "mandates:policyarea-list"])
def test_decision_and_area_lists_query_counts_are_pinned(
    client, reader, ks, name, django_assert_max_num_queries
):
    client.force_login(reader)
    MandateFactory(owner=ks, decision=DecisionFactory(body=ks))
    with django_assert_max_num_queries(10) as few:
        client.get(reverse(name))
    few_count = len(few.captured_queries)  # read before another request
    for _ in range(30):
        MandateFactory(owner=ks, decision=DecisionFactory(body=ks))
    with django_assert_max_num_queries(few_count):
        assert client.get(reverse(name)).status_code == 200


def test_detail_query_count_does_not_grow_with_history(
    client, strategist, sn, ame, ks, area, django_assert_max_num_queries
):
    mandate = MandateFactory(owner=sn, performer_unit=ame, policy_area=area)
    client.force_login(strategist)
    url = reverse("mandates:detail", args=[mandate.pk])
    with django_assert_max_num_queries(20) as few:
        client.get(url)
    few_count = len(few.captured_queries)  # read before another request
    for i in range(8):
        data = form_data(area, sn, f"unit:{ame.pk}", title=f"Titel {i}")
        data["follow_up_body"] = ks.pk if i % 2 else sn.pk
        client.post(reverse("mandates:edit", args=[mandate.pk]), data)
    with django_assert_max_num_queries(few_count):
        assert "Titel 7" in client.get(url).content.decode()


def build_large_matrix(municipality, bodies=30, areas=15, mandates=300) -> int:
    """30 bodies (one unit each) × 15 areas × 300 mandates; returns the cell entries expected."""
    body_list = [
        BodyFactory(municipality=municipality, name=f"Matrisnämnd {i:02}", short_name=f"MX{i:02}")
        for i in range(bodies)
    ]
    units = [UnitFactory(body=b) for b in body_list]
    area_list = [PolicyAreaFactory(name=f"Politikområde {i:02}", order=i) for i in range(areas)]
    rows, expected = [], 0
    for i in range(mandates):
        owner = body_list[i % bodies]
        by_unit = i % 3 == 0
        performer_owner = units[(i * 7) % bodies].body if by_unit else owner
        rows.append(
            Mandate(
                title=f"Uppdrag {i:03}",
                policy_area=area_list[i % areas],
                owner=owner,
                performer_unit=units[(i * 7) % bodies] if by_unit else None,
                performer_body=None if by_unit else owner,
                level="strategic" if i % 4 == 0 else "operational",
                origin="ordinary",
                follow_up_body=body_list[(i + 1) % bodies] if i % 10 else None,
            )
        )
        expected += 1 if performer_owner == owner else 2
    Mandate.objects.bulk_create(rows)
    return expected


def test_matrix_30_bodies_15_areas_300_mandates_in_bounded_queries(
    client, reader, municipality, django_assert_max_num_queries
):
    client.force_login(reader)
    MandateFactory(owner=BodyFactory(municipality=municipality))
    url = reverse("mandates:matrix")
    with django_assert_max_num_queries(12) as few:
        client.get(url)
    few_count = len(few.captured_queries)  # read before another request
    with django_assert_max_num_queries(12) as few_all:
        client.get(url + "?all_bodies=on")
    few_all_count = len(few_all.captured_queries)  # read before another request
    expected = build_large_matrix(municipality) + 1
    with django_assert_max_num_queries(few_count):
        response = client.get(url)
    html = response.content.decode()
    table = html[html.index('<table class="matrix">') : html.index("</table>")]
    assert table.count('<li><a href="/uppdrag/register/') == expected
    assert table.count('<th scope="row">') == 15 + 1
    assert table.count('<th scope="col">') == 1 + 31
    with django_assert_max_num_queries(few_all_count):
        assert client.get(url + "?all_bodies=on").status_code == 200


def test_matrix_exports_query_counts_are_bounded(
    client, reader, municipality, django_assert_max_num_queries
):
    client.force_login(reader)
    build_large_matrix(municipality, bodies=30, areas=15, mandates=300)
    with django_assert_max_num_queries(10):
        assert client.get(reverse("mandates:matrix-xlsx")).status_code == 200
    with django_assert_max_num_queries(10):
        assert client.get(reverse("mandates:export")).status_code == 200


# --- exports ---------------------------------------------------------------------------------


def test_register_export_is_a_workbook_of_the_filtered_register(client, reader, ks, sn, ame):
    MandateFactory(
        owner=sn,
        performer_unit=ame,
        title="Extratjänster",
        origin=Origin.COMMISSIONED_KS,
        commissioned_by=ks,
        start=dt.date(2024, 1, 1),
    )
    MandateFactory(owner=ks, title='=HYPERLINK("http://example.org")')
    MandateFactory(owner=ks, title="Strategisk samordning", level="strategic")
    client.force_login(reader)
    response = client.get(reverse("mandates:export") + "?level=operational")
    assert response["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    assert "attachment" in response["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert "Nivå: Operativt" in rows[0][0]
    header = rows[1]
    assert header[:5] == ("Id", "Rubrik", "Politikområde", "Ägare", "Utförare")
    data = {row[1]: dict(zip(header, row, strict=True)) for row in rows[2:] if row[1]}
    assert set(data) == {"Extratjänster", '\'=HYPERLINK("http://example.org")'}
    extra = data["Extratjänster"]
    assert extra["Utförare"] == "SN – Arbetsmarknadsenheten"
    assert extra["Ursprung"] == "Uppdrag från kommunstyrelsen"
    assert extra["Uppdragsgivare"] == "Kommunstyrelsen"
    assert extra["Beslut saknas"] == "Ja"
    assert extra["Startdatum"] == "2024-01-01"


def test_matrix_workbook_has_the_matrix_the_list_and_the_legend(client, reader, ks, sn, ame):
    MandateFactory(
        owner=sn,
        performer_unit=ame,
        title="Arbetsmarknadsinsatser",
        origin=Origin.COMMISSIONED_KS,
        commissioned_by=ks,
        follow_up_body=ks,
        follow_up_role="Integrationsstrateg",
    )
    MandateFactory(owner=ks, title="Samordning", level="strategic")
    client.force_login(reader)
    response = client.get(reverse("mandates:matrix-xlsx"))
    workbook = load_workbook(io.BytesIO(response.content))
    assert workbook.sheetnames == ["Ansvarsmatris", "Uppdrag", "Teckenförklaring"]
    matrix = workbook["Ansvarsmatris"]
    header = [c.value for c in matrix[4]]
    assert header[0] == "Politikområde" and header[1:] == ["KS", "SN"]
    cells = [str(c.value or "") for row in matrix.iter_rows(min_row=6) for c in row]
    sn_text = next(text for text in cells if "Arbetsmarknadsinsatser" in text)
    assert "Ägare och utförare genom Arbetsmarknadsenheten" in sn_text
    assert "Operativt · Beställt av KS" in sn_text
    assert "Uppföljning: KS (Integrationsstrateg)" in sn_text
    assert "Beslut saknas" in sn_text
    legend = " ".join(str(c.value) for c in workbook["Teckenförklaring"]["A"] if c.value)
    assert "Ägare" in legend and "KS: Kommunstyrelsen" in legend


def test_matrix_pdf_is_landscape_and_says_what_the_page_says(client, reader, ks, sn, ame):
    MandateFactory(
        owner=sn,
        performer_unit=ame,
        title="Arbetsmarknadsinsatser",
        origin=Origin.COMMISSIONED_KS,
        commissioned_by=ks,
        follow_up_body=None,
    )
    client.force_login(reader)
    response = client.get(reverse("mandates:matrix-pdf"))
    assert response["Content-Type"] == "application/pdf"
    reader_pdf = PdfReader(io.BytesIO(response.content))
    page = reader_pdf.pages[0]
    assert float(page.mediabox.width) > float(page.mediabox.height)
    text = " ".join(p.extract_text() for p in reader_pdf.pages)
    for expected in (
        "Ansvarsmatris",
        "Teckenförklaring",
        "Arbetsmarknadsinsatser",
        "Socialnämnden",
        "Beställt av KS",
        "Beslut saknas",
        "Ingen uppföljningsansvarig",
    ):
        assert expected in text, expected
    # Tagged for assistive technology (PDF/UA-1), in Swedish, with the page's title.
    root = reader_pdf.trailer["/Root"]
    assert "/StructTreeRoot" in root and root["/MarkInfo"]["/Marked"]
    assert root["/Lang"] == "sv"
    assert reader_pdf.metadata.title.startswith("Ansvarsmatris")
    metadata = root["/Metadata"].get_object().get_data().decode("utf-8")
    assert "pdfuaid" in metadata


def test_matrix_pdf_sets_a_title_with_markup_characters_as_written(client, reader, ks, sn):
    title = '#panic("nej") *Bostad* [för] alla $x$ <a> @b'
    MandateFactory(owner=ks, performer_body=sn, title=title)
    client.force_login(reader)
    response = client.get(reverse("mandates:matrix-pdf"))
    assert response.status_code == 200
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(response.content)).pages)
    assert title in " ".join(text.split())


def test_matrix_page_has_a_legend_and_text_marks(client, reader, ks, sn):
    MandateFactory(owner=ks, performer_body=sn, title="Bostadsprogram", level="strategic")
    client.force_login(reader)
    html = client.get(reverse("mandates:matrix")).content.decode()
    assert "Teckenförklaring" in html
    assert html.count("Bostadsprogram") == 2  # under the owner and under the performer
    assert ">Ägare<" in html and ">Utförare<" in html and ">Strategiskt<" in html


def test_registering_the_missing_decision_from_the_mandate_links_it(client, strategist, ks, sn):
    mandate = MandateFactory(owner=sn, origin=Origin.COMMISSIONED_KS, commissioned_by=ks)
    client.force_login(strategist)
    detail = client.get(reverse("mandates:detail", args=[mandate.pk])).content.decode()
    url = reverse("mandates:decision-create") + f"?uppdrag={mandate.pk}"
    assert url in detail
    form = client.get(url).content.decode()
    assert f'<option value="{ks.pk}" selected>' in form  # the commissioner is proposed
    data = {"body": ks.pk, "date": "2017-05-17", "section": "§ 123", "title": "Uppdrag till SN"}
    response = client.post(url, data)
    assert response.status_code == 302
    assert response["Location"] == reverse("mandates:detail", args=[mandate.pk])
    mandate.refresh_from_db()
    assert mandate.decision.reference == "KS 2017-05-17 § 123"
    assert not mandate.missing_decision


def test_a_decision_the_mandate_refuses_is_not_saved_either(client, strategist, ks, sn):
    mandate = MandateFactory(owner=sn, origin=Origin.COMMISSIONED_KS, commissioned_by=ks)
    client.force_login(strategist)
    url = reverse("mandates:decision-create") + f"?uppdrag={mandate.pk}"
    response = client.post(
        url, {"body": sn.pk, "date": "2017-05-17", "section": "§ 9", "title": "SN:s beslut"}
    )
    assert response.status_code == 200
    assert "Beslutet är fattat av SN, men uppdragsgivaren är KS." in response.content.decode()
    assert "Ändra beslut" not in response.content.decode()
    assert not Decision.objects.exists()
    mandate.refresh_from_db()
    assert mandate.decision is None


def test_a_reader_cannot_link_a_decision_through_the_mandate(client, reader, ks, sn):
    mandate = MandateFactory(owner=sn, origin=Origin.COMMISSIONED_KS, commissioned_by=ks)
    client.force_login(reader)
    url = reverse("mandates:decision-create") + f"?uppdrag={mandate.pk}"
    assert client.get(url).status_code == 403


def test_exports_leave_out_a_stored_control_character(client, reader, ks):
    """Input refuses control characters; one stored before that must not break a download."""
    MandateFactory(owner=ks, title="Uppdrag\u0001med styrtecken")
    client.force_login(reader)
    for name in ("mandates:export", "mandates:matrix-xlsx"):
        response = client.get(reverse(name))
        assert response.status_code == 200, name
        workbook = load_workbook(io.BytesIO(response.content))
        texts = [str(c.value) for s in workbook for row in s.iter_rows() for c in row if c.value]
        assert any("Uppdragmed styrtecken" in t for t in texts), name
