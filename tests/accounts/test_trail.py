"""The access log proves itself: a keyed MAC chain, anchors outside the database, verification."""

from __future__ import annotations

import datetime as dt
import hashlib
import importlib
import json

import pytest
from django.apps import apps
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction
from django.urls import reverse

from etablera.accounts import anchors
from etablera.accounts.access_log import (
    ALTERED,
    ANCHOR,
    INSERTED,
    REMOVED,
    anchor,
    log_access,
    verify,
)
from etablera.accounts.checks import access_log_chain
from etablera.accounts.models import AccessLogEntry, AuditVerification, entry_mac
from etablera.accounts.roles import Role
from tests.accounts.trail import tampering
from tests.factories import UserFactory


@pytest.fixture
def trail(db, body):
    """Ten entries by one user."""
    user = UserFactory(username="eva")
    log_access(user, "view", [body] * 10)
    return list(AccessLogEntry.objects.order_by("seq"))


def first_problem():
    result = verify(record=False)
    assert not result.ok
    return result.problems[0]


def test_an_intact_trail_verifies(trail):
    result = verify(record=False)
    assert result.ok
    assert result.checked == 10
    assert [e.seq for e in trail] == list(range(1, 11))


def test_an_altered_entry_is_found(trail):
    with tampering():
        AccessLogEntry.objects.filter(pk=trail[3].pk).update(action="search")
    problem = first_problem()
    assert (problem.kind, problem.seq) == (ALTERED, 4)


def test_a_rewritten_chain_without_the_key_is_found(trail, settings):
    """Rewriting an entry and recomputing the whole chain needs the key: with any other key
    (or none, as the old SHA-256 chain allowed) the first rewritten entry fails."""
    with tampering():
        AccessLogEntry.objects.filter(pk=trail[4].pk).update(username="someone-else")
        previous = trail[3].mac
        for entry in AccessLogEntry.objects.filter(seq__gte=5).order_by("seq"):
            entry.previous_mac = previous
            entry.mac = entry.compute_mac(key="a guessed key")
            AccessLogEntry.objects.filter(pk=entry.pk).update(
                previous_mac=entry.previous_mac, mac=entry.mac
            )
            previous = entry.mac
    problem = first_problem()
    assert (problem.kind, problem.seq) == (ALTERED, 5)


def test_a_removed_entry_is_found(trail):
    with tampering():
        AccessLogEntry.objects.filter(pk=trail[6].pk).delete()
    problem = first_problem()
    assert (problem.kind, problem.seq) == (REMOVED, 7)


def test_an_inserted_entry_is_found(trail):
    """An entry slipped in (its own sequence numbers renumbered after it) breaks the links."""
    with tampering():
        for entry in AccessLogEntry.objects.filter(seq__gte=3).order_by("-seq"):
            AccessLogEntry.objects.filter(pk=entry.pk).update(seq=entry.seq + 1)
        forged = AccessLogEntry(
            at=trail[2].at,
            username="eva",
            action="view",
            subject_type="organisation.body",
            subject_id="1",
            seq=3,
            previous_mac="f" * 64,
        )
        forged.mac = forged.compute_mac(key="not the key")
        forged.save()
    problem = first_problem()
    assert (problem.kind, problem.seq) == (INSERTED, 3)


def test_removing_the_newest_entries_is_found_by_the_anchor(trail):
    written, result = anchor()
    assert result.ok and written.seq == 10
    with tampering():
        AccessLogEntry.objects.filter(seq__gt=7).delete()
    assert verify(full=False, record=False).problems[0].kind == REMOVED
    problem = first_problem()
    assert (problem.kind, problem.seq) == (REMOVED, 8)
    assert "counted 10 entries" in problem.message


def test_a_forged_anchor_line_is_found(trail):
    anchor()
    with anchors.path().open("a") as file:
        file.write(
            json.dumps(
                {
                    "at": "2026-01-01T00:00:00",
                    "seq": 3,
                    "head": "0" * 64,
                    "verified": True,
                    "sig": "0" * 64,
                }
            )
            + "\n"
        )
    problem = first_problem()
    assert problem.kind == ANCHOR
    assert "line 2" in problem.message


def test_the_check_at_start_verifies_only_what_came_after_the_last_anchor(trail, body):
    anchor()
    log_access(UserFactory(), "view", [body] * 3)
    result = verify(full=False, record=False)
    assert result.ok
    assert (result.first_seq, result.checked) == (11, 3)


def test_an_alteration_before_the_last_anchor_is_found_by_the_full_verify(trail):
    anchor()
    with tampering():
        AccessLogEntry.objects.filter(pk=trail[1].pk).update(detail="changed")
    assert verify(full=False, record=False).ok
    assert first_problem().seq == 2


def test_the_system_check_warns_and_records(trail):
    assert access_log_chain() == []
    with tampering():
        AccessLogEntry.objects.filter(pk=trail[0].pk).update(subject_id="99")
    warnings = access_log_chain()
    assert [w.id for w in warnings] == ["etablera.W001"]
    latest = AuditVerification.objects.latest()
    assert (latest.ok, latest.problem_kind, latest.problem_seq) == (False, ALTERED, 1)


def test_verify_command_exits_non_zero_at_a_break(trail, capsys):
    call_command("audit", "verify")
    assert "10 entries checked" in capsys.readouterr().out
    with tampering():
        AccessLogEntry.objects.filter(pk=trail[9].pk).delete()
    anchors.write(seq=10, head=trail[9].mac, verified=True)
    with pytest.raises(CommandError, match="does not hold"):
        call_command("audit", "verify")
    assert "removed" in capsys.readouterr().err


def test_anchor_command_appends_a_signed_line(trail, capsys):
    call_command("audit", "anchor")
    call_command("audit", "anchor")
    lines = anchors.path().read_text().splitlines()
    assert len(lines) == 2
    assert json.loads(lines[-1])["head"] == trail[-1].mac
    assert [a.seq for a in anchors.read()] == [10, 10]


def test_the_log_page_shows_the_last_verification(client, make_user, trail):
    client.force_login(make_user(Role.ADMIN))
    html = client.get(reverse("accounts:access-log")).content.decode()
    assert "Loggen har inte kontrollerats" in html
    verify()
    html = client.get(reverse("accounts:access-log")).content.decode()
    assert "Kedjan är obruten" in html
    with tampering():
        AccessLogEntry.objects.filter(pk=trail[2].pk).update(action="export")
    verify()
    html = client.get(reverse("accounts:access-log")).content.decode()
    assert "Kedjan är bruten vid loggpost 3" in html


def test_postgresql_refuses_to_change_the_log_and_sqlite_relies_on_the_chain(trail):
    if connection.vendor == "postgresql":
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
            AccessLogEntry.objects.filter(pk=trail[0].pk).update(action="search")
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
            AccessLogEntry.objects.filter(pk=trail[0].pk).delete()
        assert verify(record=False).ok
    else:
        AccessLogEntry.objects.filter(pk=trail[0].pk).update(action="search")
        assert first_problem().kind == ALTERED


def test_the_migration_rechains_the_old_unkeyed_chain(trail, settings):
    """Entries written under the old SHA-256 chain verify once the migration re-chained them."""
    previous = "0" * 64
    for entry in trail:
        content = [
            entry.at.isoformat(),
            entry.username,
            entry.action,
            entry.subject_type,
            entry.subject_id,
            entry.detail,
        ]
        old = hashlib.sha256(json.dumps([previous, *content]).encode()).hexdigest()
        entry.previous_mac, entry.mac, previous = previous, old, old
    with tampering():
        AccessLogEntry.objects.bulk_update(trail, ["previous_mac", "mac"])
    assert not verify(record=False).ok
    migration = importlib.import_module("etablera.accounts.migrations.0002_access_log_mac")
    with tampering():
        migration.rechain(apps, None)
    assert verify(record=False).ok
    assert AccessLogEntry.objects.get(seq=1).mac == entry_mac(
        settings.ETABLERA_AUDIT_KEY, [1, "0" * 64, *content_of(trail[0])]
    )


def content_of(entry):
    return [
        entry.at.isoformat(),
        entry.username,
        entry.action,
        entry.subject_type,
        entry.subject_id,
        entry.detail,
    ]


def test_an_anchor_of_an_empty_log_verifies(db):
    written, result = anchor()
    assert (written.seq, result.ok) == (0, True)
    assert verify(record=False).ok


def test_anchor_timestamps_are_readable(trail):
    written, _ = anchor()
    assert dt.datetime.fromisoformat(written.at).tzinfo is not None


def test_the_server_anchors_at_start_and_never_fails_to_start(trail, settings, caplog, tmp_path):
    from etablera.accounts.startup import anchor_at_start

    anchor_at_start()
    assert [a.seq for a in anchors.read()] == [10]
    blocked = tmp_path / "not-a-directory"
    blocked.write_text("")
    settings.ETABLERA_AUDIT_ANCHOR_DIR = blocked
    anchor_at_start()
    assert "no access-log anchor written at start" in caplog.text
