"""The upload page: imports, shows every error, refuses too large files without reading them."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from etablera.accounts.models import AccessLogEntry
from etablera.register.models import ImportRun, Participant
from tests.register.factories import next_number


def csv_file(rows, name="deltagare.csv"):
    text = "\n".join(";".join(row) for row in rows) + "\n"
    return SimpleUploadedFile(name, text.encode("cp1252"), content_type="text/csv")


def test_coach_uploads_participants(client, coach, coach_unit):
    numbers = [next_number() for _ in range(3)]
    client.force_login(coach)
    response = client.post(
        reverse("register:import"),
        {
            "kind": "participants",
            "unit": coach_unit.pk,
            "file": csv_file(
                [["Personnummer", "Kön", "Utbildningsnivå"]]
                + [[n, "", "Gymnasial"] for n in numbers]
            ),
        },
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "Importen är klar" in page
    assert Participant.objects.filter(owning_unit=coach_unit).count() == 3
    assert ImportRun.objects.get().started_by == coach


def test_errors_are_listed_masked_and_downloadable(
    client, coach, other_coach, coach_unit, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    number = next_number()
    wrong = number[:-1] + str((int(number[-1]) + 1) % 10)
    client.force_login(coach)
    response = client.post(
        reverse("register:import"),
        {
            "kind": "participants",
            "unit": coach_unit.pk,
            "file": csv_file([["Personnummer", "Kön"], [next_number(), "K"], [wrong, "Q"]]),
        },
    )
    page = response.content.decode()
    assert "Ingenting sparades" in page
    assert f"{number[:8]}-****" in page and wrong not in page
    assert "Kön ska vara K, M eller X." in page
    assert not Participant.objects.exists()
    run = ImportRun.objects.get()
    report = client.get(reverse("register:import-errors", args=[run.pk]))
    content = b"".join(report.streaming_content).decode("utf-8-sig")
    assert "3;Personnummer" in content and wrong not in content
    assert AccessLogEntry.objects.filter(user=coach, action="export").exists()
    client.force_login(other_coach)
    assert client.get(reverse("register:import-errors", args=[run.pk])).status_code == 404


def test_a_too_large_upload_is_refused_from_its_length_alone(client, coach, coach_unit):
    client.force_login(coach)
    response = client.generic(
        "POST",
        reverse("register:import"),
        b"",  # the body is never read: the declared length alone decides
        content_type="multipart/form-data; boundary=x",
        CONTENT_LENGTH=str(2 * 1024**3),
    )
    assert response.status_code == 413
    assert "Filen är för stor" in response.content.decode()
    assert not ImportRun.objects.exists()


def test_a_body_that_grows_past_the_limit_is_cut_off(client, coach, coach_unit, settings):
    settings.ETABLERA_MAX_UPLOAD_MB = 1
    client.force_login(coach)
    big = SimpleUploadedFile("stor.csv", b"Personnummer;Kon\n" + b"x" * (1024 * 1024 + 10_000))
    response = client.post(
        reverse("register:import"), {"kind": "participants", "unit": coach_unit.pk, "file": big}
    )
    assert response.status_code == 413
    assert not ImportRun.objects.exists()


@pytest.mark.parametrize("role", ["reader", "strategist", "admin"])
def test_only_coaches_may_import(client, make_user, role, body):
    client.force_login(make_user(role, body=body))
    assert client.get(reverse("register:import")).status_code == 403
