"""An import and a retention run killed with SIGKILL midway leave the database exactly as it was.

The child reaches "midway" at a point inside the work's transaction: the import after it has
written every row (just before its commit), retention after its first chunk of participants.
"""

from __future__ import annotations

from tests.register.factories import next_number

PAUSE = """
import os, time
from pathlib import Path
def pause(marker):
    Path(marker).write_text(str(os.getpid()))
    while True:  # until the test kills this process
        time.sleep(0.1)
"""


def test_an_import_killed_before_its_commit_leaves_the_database_as_it_was(side, tmp_path):
    numbers = [next_number() for _ in range(3000)]
    side.python(
        "from tests.factories import UnitFactory\n"
        "from tests.register.factories import ParticipantFactory\n"
        "unit = UnitFactory(name='Arbetsmarknadsenheten')\n"
        f"for number in {numbers[:3]!r}:\n"
        "    ParticipantFactory(number=number, owning_unit=unit)\n"
    )
    rows = ["Personnummer;Kön;Födelseland"] + [f"{number};K;SY" for number in numbers]
    data = tmp_path / "deltagare.csv"
    data.write_text("\n".join(rows) + "\n", encoding="utf-8")
    before = side.tables()
    marker = side.var / "midway"
    child = side.start(
        PAUSE
        + "from etablera.register.signals import register_changed\n"
        + f"register_changed.connect(lambda **kw: pause({str(marker)!r}), weak=False)\n"
        + "from etablera.__main__ import main\n"
        + "main(['etablera', 'import', 'participants', "
        + f"{str(data)!r}, '--unit', 'Arbetsmarknadsenheten', '--no-progress'])\n"
    )
    side.kill_at_marker(child, marker)
    assert side.tables() == before
    # The same import, not killed, writes the rows: the kill point was inside the work.
    done = side.python(
        "from etablera.__main__ import main\n"
        "from etablera.register.models import Participant\n"
        "import sys\n"
        "try:\n"
        f"    main(['etablera', 'import', 'participants', {str(data)!r}, "
        "'--unit', 'Arbetsmarknadsenheten', '--no-progress'])\n"
        "except SystemExit as exc:\n"
        "    assert not exc.code, exc.code\n"
        "print(Participant.objects.count())\n"
    )
    assert done.stdout.strip().splitlines()[-1] == "3000", done.stdout


def test_a_retention_run_killed_midway_leaves_the_database_as_it_was(side):
    side.python(
        "import datetime as dt\n"
        "from tests.register.factories import EnrolmentFactory, status\n"
        "for i in range(12):\n"
        "    EnrolmentFactory(start=dt.date(2017, 1, 1), end=dt.date(2018, 1, 1),\n"
        "                     exit_status=status('work'),\n"
        "                     intervention__start=dt.date(2016, 1, 1))\n"
    )
    before = side.tables()
    marker = side.var / "midway"
    child = side.start(
        PAUSE
        + "from etablera.register import retention\n"
        + "retention.CHUNK = 5\n"
        + "original = retention._deidentify_chunk\n"
        + "def chunk(ids, now):\n"
        + "    original(ids, now)\n"
        + f"    pause({str(marker)!r})\n"
        + "retention._deidentify_chunk = chunk\n"
        + "from etablera.__main__ import main\n"
        + "main(['etablera', 'retention', '--apply', '--today', '2026-12-05'])\n"
    )
    side.kill_at_marker(child, marker)
    assert side.tables() == before
    done = side.python(
        "from etablera.__main__ import main\n"
        "from etablera.register.models import Participant\n"
        "main(['etablera', 'retention', '--apply', '--today', '2026-12-05'])\n"
        "print(Participant.objects.filter(identity_kind='removed').count())\n"
    )
    assert done.stdout.strip().splitlines()[-1] == "12"
