"""Background jobs and the private workspace their files live in.

The workspace is one ``mkdtemp`` folder (mode 0700) per server; each job has
a folder named by its random id.  Work runs in a thread pool, never in the
request; a page asks ``Job.progress`` and refreshes itself until the job is
done.  A job's files are removed ``ttl`` seconds after it finished.  A job can
be cancelled (``Jobs.cancel``): a queued one never starts, a running one stops
at its next file.

The workspace holds ``owner.lock``, locked (``flock``) while its server runs;
at start a server removes the ``qhsme-web-*`` workspaces of servers that are no
longer running (their lock is free), so a server killed without cleaning up
leaves nothing behind for long.
"""
from __future__ import annotations

import fcntl
import logging
import os
import secrets
import shutil
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

log = logging.getLogger(__name__)

QUEUED, RUNNING, DONE, FAILED, CANCELLED = "排队中", "处理中", "完成", "出错", "已取消"
PREFIX = "qhsme-web-"
LOCK = "owner.lock"


class Cancelled(Exception):
    """Raised inside a job's work when the job was cancelled."""


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
    started_at: float = field(default_factory=time.time)     # wall clock, for the history
    title: str = ""               # what was uploaded, for the history (“12 个文件”)
    cancel_requested: bool = False
    owner: str = ""               # the account that submitted it (named logins)
    store: dict = field(default_factory=dict)      # per applicant: data, problems, report (downloads)
    future: object = None

    @property
    def finished_ok(self) -> bool:
        return self.state == DONE

    @property
    def running(self) -> bool:
        return self.state in (QUEUED, RUNNING)

    def advance(self, n: int = 1) -> None:
        if self.cancel_requested:
            raise Cancelled()
        self.done += n

    def expires_in(self, ttl: float, now: float | None = None) -> float | None:
        """Seconds until the job's files are removed (None while it runs)."""
        if self.finished is None:
            return None
        now = time.monotonic() if now is None else now
        return max(0.0, self.finished + ttl - now)

    def add_output(self, key: str, path: Path, name: str) -> None:
        self.outputs[key] = (Path(path), name)

    @property
    def percent(self) -> int:
        return int(100 * self.done / self.total) if self.total else 0


class Jobs:
    """The job table, the workspace and the worker pool of one server."""

    def __init__(self, ttl: float = 3600, workers: int = 2, root: Path | None = None):
        self.ttl = ttl
        parent = Path(root) if root else Path(tempfile.gettempdir())
        self.swept_at_start = sweep_stale(parent, ttl)
        self.root = Path(tempfile.mkdtemp(prefix=PREFIX, dir=parent))
        self.root.chmod(0o700)
        self._owner = open(self.root / LOCK, "w")      # noqa: SIM115 - held for the server's life
        fcntl.flock(self._owner, fcntl.LOCK_EX | fcntl.LOCK_NB)
        self._owner.write(f"{os.getpid()}\n")
        self._owner.flush()
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

    def all(self) -> list[Job]:
        """This server's jobs still kept, newest first."""
        self.sweep()
        with self._lock:
            return sorted(self._jobs.values(), key=lambda j: j.started_at, reverse=True)

    def submit(self, job: Job, fn, *args) -> None:
        def run():
            if job.cancel_requested:
                return
            job.state = RUNNING
            state = FAILED
            try:
                fn(job, *args)
                state = DONE
            except Cancelled:
                state = CANCELLED
                shutil.rmtree(job.dir / "in", ignore_errors=True)
            except Exception as e:  # noqa: BLE001 - shown on the job page
                log.exception("job %s failed", job.id)
                from .text import user_text
                job.error = user_text(str(e)[:300], job.dir) or "未知错误"
            finally:
                job.finished = time.monotonic()      # before the state: a page never sees one without it
                job.state = state
        job.future = self._pool.submit(run)

    def cancel(self, job: Job) -> None:
        """Stop ``job``: a queued one never starts; a running one stops at its next file.
        Its uploads are removed at once."""
        job.cancel_requested = True
        if job.state == QUEUED and job.future is not None and job.future.cancel():
            job.state = CANCELLED
            job.finished = time.monotonic()
            shutil.rmtree(job.dir / "in", ignore_errors=True)

    def sweep(self, now: float | None = None, force: bool = False) -> int:
        """Remove jobs (and their files) older than the TTL; the number removed.
        Pages call it at most every 5 s (``force`` skips that wait)."""
        now = time.monotonic() if now is None else now
        if not force and 0 <= now - self._last_sweep < 5:
            return 0
        self._last_sweep = now
        with self._lock:
            old = [j for j in self._jobs.values()
                   if not j.running and now - (j.finished if j.finished is not None else j.created) > self.ttl]
            for j in old:
                del self._jobs[j.id]
        for j in old:
            shutil.rmtree(j.dir, ignore_errors=True)
        return len(old)

    def close(self) -> None:
        self._stop.set()
        with self._lock:
            for j in self._jobs.values():
                j.cancel_requested = True
        self._pool.shutdown(wait=False, cancel_futures=True)
        shutil.rmtree(self.root, ignore_errors=True)
        self._owner.close()


def sweep_stale(parent: Path, ttl: float, now: float | None = None) -> int:
    """Remove the workspaces under ``parent`` left by servers no longer running: those whose
    ``owner.lock`` can be locked, or (no lock file, an older version) untouched for ``ttl``
    seconds.  Only this user's folders; the number removed."""
    now = time.time() if now is None else now
    removed = 0
    try:
        candidates = [p for p in parent.iterdir() if p.name.startswith(PREFIX)]
    except OSError:
        return 0
    for d in candidates:
        try:
            st = d.lstat()
            if not d.is_dir() or d.is_symlink() or st.st_uid != os.getuid():
                continue
            lock = d / LOCK
            if lock.exists():
                with open(lock, "a") as f:
                    try:
                        fcntl.flock(f, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    except OSError:
                        continue                   # its server is running
            elif now - st.st_mtime < ttl:
                continue
            shutil.rmtree(d, ignore_errors=True)
            removed += 1
        except OSError:
            continue
    return removed
