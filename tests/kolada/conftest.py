"""Recorded Kolada v3 responses and a client that never waits or leaves the machine."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from etablera.kolada.client import KoladaClient

RESPONSES = Path(__file__).parent / "responses"
BASE = "https://kolada.test/v3/"


def recorded(name: str) -> dict:
    """A recorded answer (the exact v3 shape) from tests/kolada/responses/."""
    return json.loads((RESPONSES / f"{name}.json").read_text(encoding="utf-8"))


@pytest.fixture(autouse=True)
def _kolada_url(settings):
    settings.ETABLERA_KOLADA_URL = BASE.rstrip("/")


@pytest.fixture
def waits() -> list[float]:
    return []


@pytest.fixture
def kolada_client(waits):
    with KoladaClient(BASE, sleep=waits.append, backoff=0.5) as c:
        yield c
