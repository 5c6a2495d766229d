"""The access log's chain becomes a keyed MAC with a position (see accounts.access_log).

Existing entries are re-chained in id order under ``ETABLERA_AUDIT_KEY``. The unkeyed SHA-256
chain they carried is checked first: a break in it is reported, since re-chaining vouches for
the entries as they stand at the migration.
"""

import hashlib
import hmac
import json

import django.utils.timezone
from django.conf import settings
from django.db import migrations, models

GENESIS = "0" * 64


def rechain(apps, schema_editor):
    Entry = apps.get_model("accounts", "AccessLogEntry")
    key = settings.ETABLERA_AUDIT_KEY.encode()
    previous_old = previous = GENESIS
    broken = 0
    batch = []
    for seq, entry in enumerate(Entry.objects.order_by("pk").iterator(chunk_size=2000), start=1):
        at = entry.at.isoformat() if entry.at else ""
        content = [at, entry.username, entry.action, entry.subject_type, entry.subject_id,
                   entry.detail]
        old = hashlib.sha256(json.dumps([entry.previous_mac, *content]).encode()).hexdigest()
        if entry.previous_mac != previous_old or old != entry.mac:
            broken += 1
        previous_old = entry.mac
        payload = json.dumps(
            [seq, previous, *content], ensure_ascii=False, separators=(",", ":")
        ).encode()
        entry.seq, entry.previous_mac = seq, previous
        entry.mac = hmac.new(key, payload, hashlib.sha256).hexdigest()
        previous = entry.mac
        batch.append(entry)
        if len(batch) >= 2000:
            Entry.objects.bulk_update(batch, ["seq", "previous_mac", "mac"])
            batch = []
    if batch:
        Entry.objects.bulk_update(batch, ["seq", "previous_mac", "mac"])
    if broken:
        print(f"\n  The old access-log chain was broken at {broken} entries before re-chaining.")


class Migration(migrations.Migration):
    dependencies = [("accounts", "0001_initial")]

    # The uniqueness of the MACs is lifted while they are rewritten and restored in 0003.
    operations = [
        migrations.RenameField("accesslogentry", "hash", "mac"),
        migrations.RenameField("accesslogentry", "previous_hash", "previous_mac"),
        migrations.AlterField(
            "accesslogentry", "previous_mac", models.CharField(editable=False, max_length=64)
        ),
        migrations.AlterField(
            "accesslogentry", "mac", models.CharField(editable=False, max_length=64)
        ),
        migrations.AddField(
            "accesslogentry",
            "seq",
            models.PositiveBigIntegerField(editable=False, null=True, verbose_name="löpnummer"),
        ),
        migrations.RunPython(rechain, migrations.RunPython.noop, elidable=False),
    ]
