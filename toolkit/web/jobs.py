"""Background jobs and the private workspace their files live in.

The workspace is one ``mkdtemp`` folder (mode 0700) per server; each job has
a folder named by its random id.  Work runs in a thread pool, never in the
request; a page asks ``Job.progress`` and refreshes itself until the job is
done.  Jobs older than ``ttl`` seconds are removed with their files.
"""
from __future__ import annotations

import logging
import secrets
import shutil
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

log = logging.getLogger(__name__)

QUEUED, RUNNING, DONE, FAILED = "排队中", "处理中", "完成", "出错"


@dataclass
class Job:
    id: str
    kind: str                     # "batch" | "self"
    dir: Path
    created: float = field(default_factory=time.monotonic)
    state: str = QUEUED
    done: int = 0
    total: int = 0
    stage: str = ""               # what is being done now, in Chinese
    result: dict = field(default_factory=dict)
    outputs: dict[str, tuple[Path, str]] = field(default_factory=dict)   # key -> (file, download name)
    error: str = ""
    finished: float | None = None

    @property
    def finished_ok(self) -> bool:
        return self.state == DONE

    @property
    def running(self) -> bool:
        return self.state in (QUEUED, RUNNING)

    def advance(self, n: int = 1) -> None:
        self.done += n

    def add_output(self, key: str, path: Path, name: str) -> None:
        self.outputs[key] = (Path(path), name)

    @property
    def percent(self) -> int:
        return int(100 * self.done / self.total) if self.total else 0


class Jobs:
    """The job table, the workspace and the worker pool of one server."""

    def __init__(self, ttl: float = 3600, workers: int = 2, root: Path | None = None):
        self.ttl = ttl
        self.root = Path(tempfile.mkdtemp(prefix="qhsme-web-", dir=root))
        self.root.chmod(0o700)
        self._jobs: dict[str, Job] = {}
        self._lock = threading.Lock()
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="qhsme-job")
        self._last_sweep = 0.0
        self._stop = threading.Event()
        self._sweeper = threading.Thread(target=self._sweep_loop, daemon=True, name="qhsme-sweep")
        self._sweeper.start()

    def _sweep_loop(self) -> None:
        """Expired jobs go even when nobody opens a page."""
        while not self._stop.wait(min(60.0, max(1.0, self.ttl / 4))):
            self.sweep(force=True)

    def new(self, kind: str) -> Job:
        self.sweep()
        job_id = secrets.token_urlsafe(16)
        d = self.root / job_id
        d.mkdir(mode=0o700)
        job = Job(job_id, kind, d)
        with self._lock:
            self._jobs[job_id] = job
        return job

    def get(self, job_id: str) -> Job | None:
        self.sweep()
        with self._lock:
            return self._jobs.get(job_id)

    def submit(self, job: Job, fn, *args) -> None:
        def run():
            job.state = RUNNING
            try:
                fn(job, *args)
                job.state = DONE
            except Exception as e:  # noqa: BLE001 - shown on the job page
                log.exception("job %s failed", job.id)
                job.error = f"{type(e).__name__}: {str(e)[:300]}"
                job.state = FAILED
            finally:
                job.finished = time.monotonic()
        self._pool.submit(run)

    def sweep(self, now: float | None = None, force: bool = False) -> int:
        """Remove jobs (and their files) older than the TTL; the number removed.
        Pages call it at most every 5 s (``force`` skips that wait)."""
        now = time.monotonic() if now is None else now
        if not force and 0 <= now - self._last_sweep < 5:
            return 0
        self._last_sweep = now
        with self._lock:
            old = [j for j in self._jobs.values() if not j.running and now - j.created > self.ttl]
            for j in old:
                del self._jobs[j.id]
        for j in old:
            shutil.rmtree(j.dir, ignore_errors=True)
        return len(old)

    def close(self) -> None:
        self._stop.set()
        self._pool.shutdown(wait=False, cancel_futures=True)
        shutil.rmtree(self.root, ignore_errors=True)
