"""Bookkeeping of the demo data loader."""

from django.db import models


class DemoLoad(models.Model):
    """One app's demo data has been loaded (so `etablera loaddemo` can run again safely)."""

    name = models.CharField(max_length=100, unique=True)
    loaded_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.name
