"""The data key cannot silently change: the database keeps its check value, a command started
with another key refuses with one line, and rotate-data-key moves every number to a new key."""

from __future__ import annotations

import subprocess
import sys

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from etablera.accounts.models import AccessLogEntry
from etablera.accounts.roles import Role
from etablera.register import crypto, keycheck, selectors
from etablera.register.models import DataKeyCheck, Participant
from tests.register.factories import ParticipantFactory, next_number
from tests.sidedb import ROOT


def test_the_check_value_is_an_hmac_and_never_the_key(settings):
    settings.ETABLERA_DATA_KEY = "a-long-secret-data-key"
    value = crypto.check_value()
    assert len(value) == 64 and "a-long-secret-data-key" not in value
    assert value != crypto.check_value(crypto.keys_for("another-key"))
    assert value == crypto.check_value(crypto.keys_for("a-long-secret-data-key"))


def test_a_new_database_records_its_key_and_refuses_another(db, settings):
    DataKeyCheck.objects.all().delete()
    keycheck.verify()
    assert DataKeyCheck.objects.get().value == crypto.check_value()
    settings.ETABLERA_DATA_KEY = "someone-elses-key"
    with pytest.raises(keycheck.DataKeyMismatch, match="ETABLERA_DATA_KEY"):
        keycheck.verify()


def test_a_database_from_before_the_check_proves_the_key_on_its_numbers(db, settings):
    ParticipantFactory.create_batch(3)
    DataKeyCheck.objects.all().delete()
    right = settings.ETABLERA_DATA_KEY
    settings.ETABLERA_DATA_KEY = "a-restored-server-with-a-typo"
    with pytest.raises(keycheck.DataKeyMismatch):
        keycheck.verify()
    assert not DataKeyCheck.objects.exists()
    settings.ETABLERA_DATA_KEY = right
    keycheck.verify()
    assert DataKeyCheck.objects.get().value == crypto.check_value()


def test_rotation_moves_every_number_to_the_new_key(db, settings, make_user, coach_unit):
    coach = make_user(Role.COACH, unit=coach_unit)
    numbers = [next_number() for _ in range(5)]
    for number in numbers:
        ParticipantFactory(number=number, owning_unit=coach_unit)
    ParticipantFactory(
        identity_kind="reserve",
        identity_encrypted="",
        identity_hash=None,
        masked_identity="",
        reserve_number="R-1",
        owning_unit=coach_unit,
    )
    keycheck.verify()
    old = settings.ETABLERA_DATA_KEY
    new = "a-brand-new-data-key"

    call_command("rotate-data-key", old=old, new=new)

    settings.ETABLERA_DATA_KEY = new
    keycheck.verify()
    for number in numbers:
        found = selectors.find_participant(coach, number)
        assert found is not None
        assert crypto.decrypt(found.identity_encrypted) == number
    assert Participant.objects.get(reserve_number="R-1").identity_encrypted == ""
    entry = AccessLogEntry.objects.filter(detail__startswith="data key rotated").get()
    assert "5 identity numbers" in entry.detail
    settings.ETABLERA_DATA_KEY = old
    with pytest.raises(keycheck.DataKeyMismatch):
        keycheck.verify()


def test_rotation_with_the_wrong_old_key_changes_nothing(db, settings):
    ParticipantFactory.create_batch(2)
    keycheck.verify()
    before = list(Participant.objects.values_list("identity_encrypted", "identity_hash"))
    with pytest.raises(CommandError, match="old key is not"):
        call_command("rotate-data-key", old="not-the-key", new="a-brand-new-data-key")
    with pytest.raises(CommandError, match="same"):
        call_command(
            "rotate-data-key", old=settings.ETABLERA_DATA_KEY, new=settings.ETABLERA_DATA_KEY
        )
    assert list(Participant.objects.values_list("identity_encrypted", "identity_hash")) == before
    assert DataKeyCheck.objects.get().value == crypto.check_value()


def test_a_command_started_with_another_key_refuses_with_one_line(side):
    side.python(
        "from tests.register.factories import ParticipantFactory\n"
        "ParticipantFactory.create_batch(2)\n"
    )

    def etablera(*args, key):
        env = dict(side.env, ETABLERA_DATA_KEY=key)
        return subprocess.run(
            [sys.executable, "-m", "etablera", *args],
            env=env,
            cwd=ROOT,
            capture_output=True,
            text=True,
        )

    refused = etablera("shell", "-c", "print('started')", key="a-typo-in-the-key")
    assert refused.returncode == 2
    assert refused.stderr.count("\n") == 1 and "ETABLERA_DATA_KEY" in refused.stderr
    assert "Traceback" not in refused.stderr and "started" not in refused.stdout
    assert etablera("migrate", "-v", "0", key="a-typo-in-the-key").returncode == 2
    # gunicorn's workers load the WSGI application, which refuses alike.
    wsgi = subprocess.run(
        [sys.executable, "-c", "import etablera.wsgi"],
        env=dict(side.env, ETABLERA_DATA_KEY="a-typo-in-the-key"),
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert wsgi.returncode == 2 and wsgi.stderr.count("\n") == 1
    assert "ETABLERA_DATA_KEY" in wsgi.stderr
    # Commands that put a wrong key right, or need none, still run.
    assert etablera("showmigrations", "jobs", key="a-typo-in-the-key").returncode == 0
    started = etablera("shell", "-c", "print('started')", key=side.env["ETABLERA_DATA_KEY"])
    assert started.returncode == 0 and "started" in started.stdout
