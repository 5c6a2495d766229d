"""What the register tells the rest of the system about changes made in bulk.

Single saves and deletes of participants, enrolments and observations send Django's own model
signals. The bulk paths — imports and the generator, which write with ``executemany``, ``COPY``
or ``bulk_create`` — send :data:`register_changed` once they have written, inside their
transaction, so whatever is derived from the register (the KPI engine's facts) follows.
"""

from django.dispatch import Signal

#: Sent with ``participant_ids``: the participants whose data changed, or None for "any".
register_changed = Signal()
