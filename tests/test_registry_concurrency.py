"""Two clerks importing at once lose nothing: two processes write into one registry (SQLite file and
PostgreSQL), interleaving transactions, importing the same shared file too; every platform, year and
event is there once."""
import subprocess
import sys
import time
from pathlib import Path

import sqlalchemy as sa

from test_registry_db import db_url  # noqa: F401 - the fixture (SQLite and PostgreSQL)
from toolkit.datafile import save
from toolkit.registry.db import Registry
from toolkit.registry.schema import events, files, platforms, years

ROOT = Path(__file__).resolve().parents[1]
N = 12

CLERK = """
import datetime as dt, sys, time
from pathlib import Path
sys.path.insert(0, {root!r})
from toolkit.registry.db import Registry
from toolkit.registry.store import add_event, import_files
db, go, paths = sys.argv[1], Path(sys.argv[2]), sys.argv[3:]
reg = Registry(db)
while not go.exists():
    time.sleep(0.01)
for p in paths:
    res = import_files(reg, [p])
    assert not res.conflicts, [str(x) for x in res.conflicts]
    unit = "共同单位" if "shared" in p else Path(p).stem
    add_event(reg, unit, "complaint", dt.date(2025, 1, 1), note=Path(p).stem + sys.argv[2][-1])
reg.close()
"""


def data(unit):
    return {"annex1": {"unit_name": unit, "platform_name": unit + "平台", "city": "西宁市",
                       "operations": [{"year": y, "revenue": y - 2000, "served_count": 10} for y in (2023, 2024)]}}


def test_two_processes_importing_at_once(db_url, tmp_path):  # noqa: F811
    Registry(db_url).close()                       # created and migrated before the clerks start
    shared = tmp_path / "shared.yaml"
    save(data("共同单位"), shared)
    lists = []
    for clerk in "AB":
        paths = []
        for i in range(N):
            p = tmp_path / f"{clerk}{i:02d}.yaml"
            save(data(p.stem), p)
            paths.append(str(p))
        paths.insert(N // 2, str(shared))
        lists.append(paths)
    procs = []
    for clerk, paths in zip("AB", lists):
        go = tmp_path / f"go{clerk}"
        procs.append((go, subprocess.Popen([sys.executable, "-c", CLERK.format(root=str(ROOT)), db_url, str(go)]
                                           + paths, stderr=subprocess.PIPE, text=True)))
    time.sleep(1.5)                                  # both have imported toolkit and opened the database
    for go, _ in procs:
        go.touch()
    for _, proc in procs:
        _, err = proc.communicate(timeout=180)
        assert proc.returncode == 0, err
    with Registry(db_url) as reg, reg.read() as c:
        count = lambda t: c.scalar(sa.select(sa.func.count()).select_from(t))  # noqa: E731
        assert count(platforms) == 2 * N + 1
        assert count(files) == 2 * N + 1             # the shared file once
        assert count(years) == (2 * N + 1) * 2
        assert count(events) == 2 * N + 2            # each clerk's complaint about the shared unit kept
        names = set(c.execute(sa.select(platforms.c.unit_name)).scalars())
    assert names == {f"{k}{i:02d}" for k in "AB" for i in range(N)} | {"共同单位"}
