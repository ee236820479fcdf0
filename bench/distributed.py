"""The bench's distributed line: the same corpus dispatched by `veilleur run` to one, then two `veilleur
worker` processes on this machine, against the in-process executor of the same run.

Each worker has a data dir of its own; the runs and the evidence are in a fresh PostgreSQL database
(VEILLEUR_EVIDENCE_URL naming it), the tasks in a fresh RabbitMQ vhost (made with rabbitmqctl) or in
the Redis database given. The time is `veilleur run`'s, from dispatch to the campaign's end, the
workers being up already (as in a cluster); the memory is the peak of the workers' process trees
together (sum of RSS, Chromium included).

    VEILLEUR_BENCH_DATABASE_URL  PostgreSQL server (default postgresql+psycopg://postgres@127.0.0.1:5432/postgres)
    VEILLEUR_BENCH_BROKER_URL    amqp://user:pass@host:port (a vhost is made) or redis://host:port/db
                                 (default amqp://guest:guest@127.0.0.1:5672)
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import threading
import time
import uuid
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import psutil
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from bench.generate import write_registry
from campaign.memory import tree_rss

DATABASE = os.environ.get("VEILLEUR_BENCH_DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
BROKER = os.environ.get("VEILLEUR_BENCH_BROKER_URL", "amqp://guest:guest@127.0.0.1:5672")


@dataclass
class DistributedRun:
    workers: int
    pages: int
    failed: int
    seconds: float
    peak_rss: int

    @property
    def pages_per_s(self) -> float:
        return self.pages / self.seconds if self.seconds else 0.0


def unavailable() -> str | None:
    """Why the distributed line cannot run here, or None."""
    for url in (DATABASE, BROKER):
        parts = urlsplit(url.replace("+psycopg", ""))
        try:
            socket.create_connection((parts.hostname, parts.port or 5432), timeout=2).close()
        except OSError:
            return f"nothing answers at {parts.hostname}:{parts.port}"
    if BROKER.startswith("amqp") and not shutil.which("rabbitmqctl"):
        return "no rabbitmqctl to make a vhost of its own (or give VEILLEUR_BENCH_BROKER_URL=redis://…/db)"
    return None


@contextmanager
def _database():
    from sqlalchemy import create_engine, make_url, text

    server = make_url(DATABASE)
    name = f"veilleur_bench_{os.getpid()}_{uuid.uuid4().hex[:6]}"
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield server.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@contextmanager
def _broker():
    if not BROKER.startswith("amqp"):
        yield BROKER
        return
    vhost = f"veilleur-bench-{os.getpid()}-{uuid.uuid4().hex[:6]}"
    user = urlsplit(BROKER).username or "guest"
    subprocess.run(["rabbitmqctl", "add_vhost", vhost], check=True, capture_output=True, timeout=60)
    try:
        subprocess.run(["rabbitmqctl", "set_permissions", "-p", vhost, user, ".*", ".*", ".*"], check=True,
                       capture_output=True, timeout=60)
        yield f"{BROKER.rstrip('/')}/{vhost}"
    finally:
        subprocess.run(["rabbitmqctl", "delete_vhost", vhost], capture_output=True, timeout=60)


def _veilleur() -> list[str]:
    return [sys.executable, "-m", "veilleur.cli"]


class _PeakOfTrees:
    """The peak of the summed resident memory of several process trees, sampled in a thread."""

    def __init__(self, pids: list[int]):
        self.pids = pids
        self.peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, daemon=True)
        self._thread.start()

    def _loop(self) -> None:
        while not self._stop.wait(0.5):
            total = 0
            for pid in self.pids:
                try:
                    total += tree_rss(pid)
                except psutil.Error:
                    pass
            self.peak = max(self.peak, total)

    def stop(self) -> None:
        self._stop.set()
        self._thread.join()


def run_distributed(urls: list[str], work: Path, workers: int, concurrency: int | None = None,
                    evidence_folder: bool = False) -> DistributedRun:
    """`evidence_folder`: the evidence in a folder every worker shares (as on NFS) rather than in the database."""
    work.mkdir(parents=True, exist_ok=True)
    key = Ed25519PrivateKey.generate().private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                                     serialization.NoEncryption()).decode("ascii")
    with _database() as db_url, _broker() as broker:
        evidence = (work / "evidence").as_uri() if evidence_folder else db_url
        env = {**os.environ, "VEILLEUR_DATABASE_URL": db_url, "VEILLEUR_EVIDENCE_URL": evidence,
               "VEILLEUR_BROKER_URL": broker, "VEILLEUR_SIGNING_KEY": key, "VEILLEUR_DATA_DIR": str(work / "dispatcher")}
        registry = write_registry(work / "registry.yaml", urls)
        subprocess.run([*_veilleur(), "registry", "import", str(registry)], env=env, check=True,
                       stdout=subprocess.DEVNULL)
        started: list[tuple[subprocess.Popen, Path]] = []
        try:
            for n in range(workers):
                log = work / f"worker-{n}.log"
                worker_env = {**env, "VEILLEUR_DATA_DIR": str(work / f"worker-{n}")}
                command = [*_veilleur(), "worker"] + (["--concurrency", str(concurrency)] if concurrency else [])
                with log.open("wb") as out:
                    proc = subprocess.Popen(command, env=worker_env, stdout=out, stderr=subprocess.STDOUT)
                started.append((proc, log))
            for proc, log in started:
                while b" ready." not in log.read_bytes():
                    if proc.poll() is not None:
                        raise SystemExit(f"bench: a worker exited with {proc.returncode}; see {log}")
                    time.sleep(0.2)
            memory = _PeakOfTrees([proc.pid for proc, _ in started])
            begun = time.monotonic()
            with (work / "veilleur-run.log").open("wb") as out:
                code = subprocess.run([*_veilleur(), "run"], env=env, stdout=out, stderr=subprocess.STDOUT).returncode
            seconds = time.monotonic() - begun
            memory.stop()
            if code != 0:
                raise SystemExit(f"bench: distributed `veilleur run` exited with {code}; see {work / 'veilleur-run.log'}")
        finally:
            for proc, _ in started:
                proc.terminate()
            for proc, _ in started:
                try:
                    proc.wait(timeout=120)
                except subprocess.TimeoutExpired:
                    proc.kill()
        pages_ok, failed = _pages(db_url)
    return DistributedRun(workers, pages_ok, failed, seconds, memory.peak)


def _pages(db_url: str) -> tuple[int, int]:
    from sqlalchemy import func, select

    from storage.db import open_database
    from storage.schema import PageRecord

    db = open_database(db_url, migrate=False)
    try:
        with db.sessions() as session:
            counts = dict(session.execute(select(PageRecord.ok, func.count()).group_by(PageRecord.ok)).all())
    finally:
        db.close()
    return counts.get(True, 0), sum(n for ok, n in counts.items() if not ok)


def line(runs: list[DistributedRun], in_process_pages_per_s: float) -> str:
    parts = []
    for run in runs:
        ratio = f" = {run.pages_per_s / in_process_pages_per_s:.2f}× in-process" if in_process_pages_per_s else ""
        parts.append(f"{run.workers} worker{'s' if run.workers > 1 else ''} {run.pages} pages in {run.seconds:.1f} s "
                     f"= {run.pages_per_s:.2f} pages/s{ratio}"
                     f"{f' ({run.failed} failed)' if run.failed else ''}, "
                     f"workers' peak memory {run.peak_rss / 2**20:,.0f} MB")
    return "distributed: " + "; ".join(parts)
