"""What follow-up tells other apps: a period closed (statistics then keeps its figures)."""

from django.dispatch import Signal

#: Sent with ``period`` once a follow-up period's closing is committed.
period_closed = Signal()
