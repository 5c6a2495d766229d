"""An import and a retention run killed with SIGKILL midway leave the database exactly as it was.

The child reaches "midway" at a point inside the work's transaction: the import after it has
written every row (just before its commit), retention after its first chunk of participants.
"""

from __future__ import annotations

from tests.register.factories import next_number
from tests.sidedb import STARTUP_TABLES

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


#: A child's Kolada: the recorded answers of tests/kolada/responses, never the network.
KOLADA = """
import json
from pathlib import Path
import httpx, respx
from etablera.kolada.client import KoladaClient
from etablera.kolada import services
from tests.factories import OPERATOR
BASE = 'https://kolada.test/v3/'
def recorded(name):
    return json.loads((Path('tests/kolada/responses') / f'{name}.json').read_text('utf-8'))
def sync(pages):
    with respx.mock(assert_all_called=False) as kolada:
        kolada.get(BASE + 'kpi/N00973').mock(
            return_value=httpx.Response(200, json=recorded('kpi_N00973')))
        data = '/v3/data/kpi/N00973/'
        if len(pages) == 2:
            kolada.get(path__startswith=data, params={'page': '2'}).mock(
                return_value=httpx.Response(200, json=recorded(pages[1])))
        kolada.get(path__startswith=data).mock(
            return_value=httpx.Response(200, json=recorded(pages[0])))
        with KoladaClient(BASE, sleep=lambda seconds: None) as client:
            return services.sync_kolada(years=[2023, 2024], client=client, actor=OPERATOR)
"""

#: The KPI catalogue without ``checked_at``, which every sync stamps before the first KPI.
CATALOGUE = (
    "SELECT id, title, accepted_title, description, operating_area, is_divided_by_gender, "
    "missing, is_example, last_fetched_at FROM kolada_kpi ORDER BY id"
)


def test_a_kolada_sync_killed_inside_a_kpi_leaves_its_values_as_they_were(side):
    """Each KPI is written in one transaction: killed after its rows are written and before
    the commit, its values and the catalogue are as before; the run stays recorded as
    started and unfinished (it was committed when the run began)."""
    side.python(
        "from tests.factories import MunicipalityFactory\n"
        "from tests.goals.factories import IndicatorFactory\n"
        "MunicipalityFactory()\n"
        "IndicatorFactory(source='kolada', source_key='N00973')\n"
        + KOLADA
        + "assert sync(['data_N00973_page1', 'data_N00973_page2']).ok\n"
    )
    skip = (*STARTUP_TABLES, "kolada_syncrun", "kolada_kpi")
    before = side.tables(skip=skip)
    catalogue = side.query(CATALOGUE)
    assert before["kolada_value"], "the first sync stored values"
    marker = side.var / "midway"
    child = side.start(
        PAUSE
        + KOLADA
        + "original = services._write_kpi\n"
        + "def write(kpi, rows, result):\n"
        + "    original(kpi, rows, result)\n"
        + f"    pause({str(marker)!r})\n"
        + "services._write_kpi = write\n"
        + "sync(['data_N00973_deleted'])\n"
    )
    side.kill_at_marker(child, marker)
    assert side.tables(skip=skip) == before
    assert side.query(CATALOGUE) == catalogue
    assert side.query("SELECT count(*) FROM kolada_syncrun WHERE finished_at IS NULL") == [(1,)]
    # The same sync, not killed, removes the value: the kill point was inside the work.
    side.python(
        KOLADA + "report = sync(['data_N00973_deleted'])\n"
        "assert report.ok and report.results[0].removed == 1, report.lines()\n"
    )
    assert len(side.tables(skip=skip)["kolada_value"]) == len(before["kolada_value"]) - 1
