"""Refusing to start with another data key than the one the identity numbers were encrypted with.

A restored server or a typo in ``ETABLERA_DATA_KEY`` used to go unnoticed: revealing a number
failed, a search by number found nobody and registering the person again made a duplicate.
The database keeps the key's check value (``crypto.check_value``: an HMAC of a constant, never
the key); every ``etablera`` command but a few (see ``etablera.__main__``) and the WSGI
application compare it with the configured key before doing anything.

* An empty database (before ``migrate``) has nothing to protect: the check passes.
* A database without a recorded value (a new one, or one from before the check) gets the
  current key's value, after the key has been proved on stored numbers if there are any.
"""

from __future__ import annotations

import hmac

from django.db import DEFAULT_DB_ALIAS, connections, transaction

from . import crypto

MISMATCH = (
    "ETABLERA_DATA_KEY is not the key this database's identity numbers are encrypted with; "
    "refusing to start. Start with the right key (docs/operations.md, 'The data key'), or "
    "change keys with `etablera rotate-data-key --old OLD --new NEW`."
)


class DataKeyMismatch(Exception):
    """The configured data key is not the database's."""

    def __init__(self, message: str = MISMATCH) -> None:
        super().__init__(message)


def _table_exists(using: str) -> bool:
    from .models import DataKeyCheck

    connection = connections[using]
    with connection.cursor() as cursor:
        return DataKeyCheck._meta.db_table in connection.introspection.table_names(cursor)


def key_matches(k: crypto.Keys, using: str = DEFAULT_DB_ALIAS) -> bool:
    """Whether ``k`` are the database's keys: by the recorded check value, or else by
    decrypting a sample of the stored numbers."""
    from .models import DataKeyCheck, Participant

    recorded = DataKeyCheck.objects.using(using).order_by("pk").first()
    if recorded is not None:
        return hmac.compare_digest(recorded.value, crypto.check_value(k))
    sample = (
        Participant.objects.using(using)
        .exclude(identity_encrypted="")
        .order_by("pk")
        .values_list("identity_encrypted", flat=True)[:20]
    )
    try:
        for token in sample:
            crypto.decrypt(token, k)
    except crypto.DecryptionError:
        return False
    return True


def record(k: crypto.Keys, using: str = DEFAULT_DB_ALIAS) -> None:
    """Keep ``k``'s check value as the database's (replacing any earlier one)."""
    from .models import DataKeyCheck

    with transaction.atomic(using=using):
        DataKeyCheck.objects.using(using).all().delete()
        DataKeyCheck.objects.using(using).create(value=crypto.check_value(k))


def verify(using: str = DEFAULT_DB_ALIAS) -> None:
    """Raise :class:`DataKeyMismatch` unless the configured key is the database's; record it
    when the database has none yet."""
    if not _table_exists(using):
        return
    from .models import DataKeyCheck

    k = crypto.keys()
    if not key_matches(k, using):
        raise DataKeyMismatch
    if not DataKeyCheck.objects.using(using).exists():
        record(k, using)


def record_after_migrate(sender, using: str = DEFAULT_DB_ALIAS, **kwargs) -> None:
    """post_migrate: a new database gets the key's check value before its first number."""
    from .models import DataKeyCheck

    if sender.name != "etablera.register" or DataKeyCheck.objects.using(using).exists():
        return
    if key_matches(crypto.keys(), using):
        record(crypto.keys(), using)


class RotationRefused(Exception):
    """The rotation cannot be done as asked; nothing was changed."""


def rotate(old: str, new: str, *, batch: int = 2000) -> int:
    """Re-encrypt and re-hash every identity number from key ``old`` to key ``new`` in one
    transaction, record the new key's check value; the number of identity numbers.

    The old key must be the database's; any failure leaves every number as it was. Writers
    are kept out while it runs (PostgreSQL: a table lock; SQLite: its one write transaction).
    """
    from etablera.accounts.access_log import log_access

    from .models import DataKeyCheck, Participant

    if not old or not new:
        raise RotationRefused("Both --old and --new must be given.")
    if old == new:
        raise RotationRefused("The new key is the same as the old one.")
    old_keys, new_keys = crypto.keys_for(old), crypto.keys_for(new)
    if crypto.check_value(old_keys) == crypto.check_value(new_keys):
        raise RotationRefused("The new key gives the same keys as the old one.")
    count = 0
    with transaction.atomic():
        connection = connections[DEFAULT_DB_ALIAS]
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute(
                    f"LOCK TABLE {Participant._meta.db_table} IN SHARE ROW EXCLUSIVE MODE"
                )
        if not key_matches(old_keys):
            raise RotationRefused("The old key is not this database's data key; nothing changed.")
        last = 0
        while True:
            chunk = list(
                Participant.objects.filter(pk__gt=last)
                .exclude(identity_encrypted="")
                .order_by("pk")
                .only("pk", "identity_encrypted", "identity_hash")[:batch]
            )
            if not chunk:
                break
            for participant in chunk:
                try:
                    canonical = crypto.decrypt(participant.identity_encrypted, old_keys)
                except crypto.DecryptionError as exc:
                    raise RotationRefused(
                        f"Participant {participant.pk}'s identity number cannot be decrypted "
                        "with the old key; nothing changed."
                    ) from exc
                participant.identity_encrypted = crypto.encrypt(canonical, new_keys)
                participant.identity_hash = crypto.lookup_hash(canonical, new_keys)
            Participant.objects.bulk_update(chunk, ["identity_encrypted", "identity_hash"])
            count += len(chunk)
            last = chunk[-1].pk
        record(new_keys)
        log_access(
            None,
            "change",
            DataKeyCheck.objects.get(),
            detail=f"data key rotated: {count} identity numbers re-encrypted",
        )
    return count
