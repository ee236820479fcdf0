"""Distributed campaigns (VEILLEUR_BROKER_URL): the units run on `veilleur worker` processes, on the RabbitMQ,
Redis and PostgreSQL this machine runs, and a campaign ends as it would in one process.

- 40 services on two workers, one SIGKILLed mid-campaign: each service is stored once, with the
  results of the in-process executor, the campaign's digest is sent once, and no two page loads
  of one host ever overlap, whichever worker makes them;
- a worker with an empty data dir of its own, in a network namespace that reaches the broker
  (Redis) and the database only through a veth link, stores evidence that `veilleur verify`
  checks from another process;
- a task that keeps killing its workers is set aside after OUR_FAILURE_ATTEMPTS deliveries and
  recorded as our failure, never the site's;
- without PostgreSQL, distributed mode is refused in one line.

Each test works in a database, a RabbitMQ vhost or a Redis database of its own.
"""

from __future__ import annotations

import json
import os
import select
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from contextlib import contextmanager, suppress
from datetime import datetime, timedelta, timezone
from pathlib import Path
from urllib.parse import urlsplit

import psutil
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import create_engine, func, make_url, text
from sqlalchemy import select as select_rows

from campaign.service_run import OUR_FAILURE_ATTEMPTS
from storage.db import open_database
from storage.schema import (
    FindingRecord,
    ManifestRecord,
    OutgoingMail,
    PageRecord,
    ServiceRun,
    UnitDelivery,
)
from tests.support.webserver import LocalSite, html

PG_URL = os.environ.get("VEILLEUR_TEST_DATABASE_URL")
AMQP_SERVER = os.environ.get("VEILLEUR_TEST_AMQP_URL", "amqp://guest:guest@127.0.0.1:5672")
REDIS_SERVER = os.environ.get("VEILLEUR_TEST_REDIS_URL", "redis://127.0.0.1:6379")
ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.skipif(not PG_URL, reason="distributed campaigns need PostgreSQL (VEILLEUR_TEST_DATABASE_URL)")


# --- the cluster's parts: a database, a vhost, a Redis database, a signing key ----------------------


def _reachable(url: str) -> bool:
    parts = urlsplit(url)
    try:
        socket.create_connection((parts.hostname, parts.port), timeout=2).close()
    except OSError:
        return False
    return True


@contextmanager
def database():
    """A PostgreSQL database of this test's own, dropped after."""
    server = make_url(PG_URL)
    name = f"veilleur_dist_{os.getpid()}_{uuid.uuid4().hex[:6]}"
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
def rabbitmq_vhost():
    """A RabbitMQ vhost of this test's own (made with rabbitmqctl), deleted after."""
    if not _reachable(AMQP_SERVER) or not shutil.which("rabbitmqctl"):
        pytest.skip(f"no RabbitMQ at {AMQP_SERVER} with rabbitmqctl to make a vhost")
    vhost = f"veilleur-test-{os.getpid()}-{uuid.uuid4().hex[:6]}"
    user = urlsplit(AMQP_SERVER).username or "guest"
    made = subprocess.run(["rabbitmqctl", "add_vhost", vhost], capture_output=True, text=True, timeout=60)
    if made.returncode != 0:
        pytest.skip(f"rabbitmqctl cannot make a vhost here: {made.stderr.strip()[:200]}")
    try:
        subprocess.run(["rabbitmqctl", "set_permissions", "-p", vhost, user, ".*", ".*", ".*"], check=True,
                       capture_output=True, timeout=60)
        yield f"{AMQP_SERVER}/{vhost}"
    finally:
        subprocess.run(["rabbitmqctl", "delete_vhost", vhost], capture_output=True, timeout=60)


@contextmanager
def redis_database():
    """A Redis database (by number) for this test, emptied before and after."""
    import redis

    if not _reachable(REDIS_SERVER):
        pytest.skip(f"no Redis at {REDIS_SERVER}")
    url = f"{REDIS_SERVER}/{1 + os.getpid() % 15}"
    client = redis.Redis.from_url(url)
    client.flushdb()
    try:
        yield url
    finally:
        client.flushdb()
        client.close()


def signing_key() -> str:
    key = Ed25519PrivateKey.generate()
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                             serialization.NoEncryption()).decode("ascii")


# --- processes ------------------------------------------------------------------------------------


def veilleur(*args: str, env: dict, timeout: float = 300) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "veilleur.cli", *args], env=env, capture_output=True, text=True,
                          timeout=timeout, cwd=ROOT)


class Worker:
    """A `veilleur worker` process, started and waited for until Celery says it is ready."""

    def __init__(self, env: dict, log: Path, concurrency: int, prefix: list[str] | None = None):
        self.log = log
        self.out = log.open("w")
        self.proc = subprocess.Popen([*(prefix or []), sys.executable, "-m", "veilleur.cli", "worker",
                                      "--concurrency", str(concurrency)],
                                     env=env, stdout=self.out, stderr=subprocess.STDOUT, cwd=ROOT)
        self.name = f"{socket.gethostname()}:{self.proc.pid}"  # as unit_deliveries names it

    def ready(self) -> "Worker":
        deadline = time.monotonic() + 120
        while " ready." not in self.log.read_text(encoding="utf-8", errors="replace"):
            assert self.proc.poll() is None, self.log.read_text(encoding="utf-8", errors="replace")
            assert time.monotonic() < deadline, "the worker never became ready"
            time.sleep(0.2)
        return self

    def kill(self) -> None:
        """SIGKILL, as the kernel's OOM killer or a pulled plug would: no chance to clean up."""
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(timeout=30)
        self.out.close()

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=60)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.out.close()


class Cluster:
    """The environment every process of one instance shares: its database, broker, evidence store in the
    database, signing key; each process has a data dir of its own."""

    def __init__(self, tmp: Path, db_url: str, broker: str, **extra: str):
        self.tmp = tmp
        self.db_url = db_url
        self.broker = broker
        self.base = {**os.environ, "VEILLEUR_DATABASE_URL": db_url, "VEILLEUR_BROKER_URL": broker,
                     "VEILLEUR_EVIDENCE_URL": db_url, "VEILLEUR_SIGNING_KEY": signing_key(),
                     "VEILLEUR_PAGE_TIMEOUT": "15", "VEILLEUR_MAX_KEY_PAGES": "1", "VEILLEUR_HOST_DELAY": "0.1",
                     "VEILLEUR_RETRY_BACKOFF": "0.5", "VEILLEUR_ALERT_CONFIRM_RUNS": "1", **extra}
        self.base.pop("VEILLEUR_SMTP_URL", None)
        self.workers: list[Worker] = []

    def env(self, data_dir: Path, **extra: str) -> dict:
        return {**self.base, "VEILLEUR_DATA_DIR": str(data_dir), **extra}

    def worker(self, name: str, concurrency: int = 3, wait: bool = True) -> Worker:
        data = self.tmp / f"worker-{name}"  # empty, its own
        data.mkdir()
        worker = Worker(self.env(data), self.tmp / f"worker-{name}.log", concurrency)
        self.workers.append(worker)
        return worker.ready() if wait else worker

    def close(self) -> None:
        for worker in self.workers:
            with suppress(Exception):
                worker.stop()

    def database(self):
        return open_database(self.db_url, migrate=False)


def registry(path: Path, services: dict[str, tuple[str, str]], ministries: dict[str, list[str]]) -> Path:
    """services: id → (ministry, url); ministries: id → contacts."""
    lines = ["ministries:"]
    lines += [f"  - {{id: {mid}, name: Ministère {mid}, contacts: [{', '.join(contacts)}]}}" for mid, contacts in ministries.items()]
    lines += ["services:"]
    lines += [f"  - {{id: {sid}, name: Service {sid}, ministry: {mid}, url: '{url}'}}" for sid, (mid, url) in services.items()]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def outcomes(db_url: str, campaign_id: int | None = None) -> dict[str, tuple]:
    """Each service's recorded run of the campaign (the last one by default): what a reader of the
    results sees, and the counts that would show a run stored twice or half."""
    db = open_database(db_url, migrate=False)
    try:
        with db.sessions() as session:
            if campaign_id is None:
                campaign_id = session.scalar(select_rows(func.max(ServiceRun.campaign_id)))
            seen = {}
            for run in session.scalars(select_rows(ServiceRun).where(ServiceRun.campaign_id == campaign_id)):
                findings = session.scalars(select_rows(FindingRecord).where(FindingRecord.service_run_id == run.id)).all()
                seen[run.service_id] = (run.status, run.ok, run.error_class, len(run.pages),
                                        tuple(sorted((f.check, f.status) for f in findings)))
            return seen
    finally:
        db.close()


# --- sites: a few hosts, several services each, every page load timed ------------------------------

LANDING = ("<!doctype html><html lang='fr'><head><title>{name}</title></head><body><main><h1>{name}</h1>{fc}"
           "<p>Pour toute question, appelez le 01 23 45 67 89 du lundi au vendredi.</p>"
           "<a href='{base}contact.html'>Nous contacter</a></main></body></html>")
FC = ("<button class='fr-connect'><span class='fr-connect__login'>S’identifier avec</span> "
      "<span class='fr-connect__brand'>FranceConnect</span></button>")
CONTACT = ("<!doctype html><html lang='fr'><head><title>Contact</title></head><body><main><h1>Contact</h1>"
           "<p>Accueil au 12 rue de la Paix, 75002 Paris.</p></main></body></html>")
PAGE_DELAY_S = 0.15


class Host:
    """One site (one host:port) holding several services under /<id>/, recording when each of its page
    loads started and ended; a service in `down` answers 404."""

    def __init__(self, service_ids: list[str]):
        self.loads: list[tuple[float, float, str]] = []
        self.down: set[str] = set()
        self._lock = threading.Lock()
        routes = {}
        for n, sid in enumerate(service_ids):
            base = f"/{sid}/"
            landing = LANDING.format(name=f"Service {sid}", fc=FC if n % 2 else "", base=base)
            routes[base] = self._route(sid, landing)
            routes[f"{base}contact.html"] = self._route(sid, CONTACT)
        self.site = LocalSite(routes)

    def _route(self, sid: str, body: str):
        def answer(handler):
            started = time.monotonic()
            time.sleep(PAGE_DELAY_S)
            handler.send(html("<html lang=fr><title>Introuvable</title></html>", 404) if sid in self.down else html(body))
            with self._lock:
                self.loads.append((started, time.monotonic(), handler.path))
            return None

        return answer

    def url(self, sid: str) -> str:
        return self.site.url(f"/{sid}/")

    def overlaps(self) -> list[tuple]:
        loads = sorted(self.loads)
        return [(a, b) for a, b in zip(loads, loads[1:]) if b[0] < a[1]]


def _unit_workers(db_url: str, campaign_id: int) -> dict[str, tuple[str, int]]:
    db = open_database(db_url, migrate=False)
    try:
        with db.sessions() as session:
            rows = session.execute(select_rows(ServiceRun.service_id, UnitDelivery.worker, UnitDelivery.deliveries)
                                   .join(UnitDelivery, UnitDelivery.service_run_id == ServiceRun.id)
                                   .where(ServiceRun.campaign_id == campaign_id)).all()
            return {sid: (worker, deliveries) for sid, worker, deliveries in rows}
    finally:
        db.close()


def _running_on(db_url: str, campaign_id: int, worker: str) -> list[str]:
    """The services of the campaign whose task `worker` has taken and not ended."""
    db = open_database(db_url, migrate=False)
    try:
        with db.sessions() as session:
            return list(session.scalars(
                select_rows(ServiceRun.service_id).join(UnitDelivery, UnitDelivery.service_run_id == ServiceRun.id)
                .where(ServiceRun.campaign_id == campaign_id, UnitDelivery.worker == worker,
                       UnitDelivery.outcome.is_(None), ServiceRun.status == "pending")))
    finally:
        db.close()


def _wait(predicate, timeout_s: float, what: str) -> None:
    deadline = time.monotonic() + timeout_s
    while not predicate():
        assert time.monotonic() < deadline, f"waited {timeout_s:.0f} s for {what}"
        time.sleep(0.1)


def _make_due(cluster: Cluster, schedule: Path, job_id: str) -> None:
    """The schedule's jobs in the scheduler's own job store (the database), one of them due now."""
    import scheduler
    from campaign.schedule import load_schedule

    from foundation.settings import Settings, StorageSection

    config = load_schedule(schedule)
    editor = scheduler.job_editor(Settings(storage=StorageSection(database_url=cluster.db_url)), config)
    scheduler.sync_jobs(editor, config)
    editor.modify_job(job_id, next_run_time=datetime.now(timezone.utc) - timedelta(minutes=1))
    editor.shutdown(wait=False)


# --- 40 services, two workers, one killed --------------------------------------------------------

HOSTS, PER_HOST = 8, 5
DOWN = ("h0s1", "h3s2")  # down for the distributed campaign: incidents, hence one digest


@contextmanager
def environ(**values: str):
    saved = {name: os.environ.get(name) for name in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def seed_earlier_runs(cluster: Cluster, data: Path, service_ids: tuple[str, ...]) -> None:
    """An earlier campaign that saw these services up (recorded as a campaign does, signed with the
    instance's key, its evidence in the database): what the next campaign's regressions are measured
    against."""
    from storage.evidence.database_store import DatabaseEvidenceStore
    from storage.runs import (
        create_campaign,
        finish_campaign,
        pending_units,
        record_unit,
    )
    from storage.schema import Service
    from tests.support.evidence_runs import capture, findings

    db = cluster.database()
    store = DatabaseEvidenceStore(db.engine, data / "evidence")
    try:
        with environ(VEILLEUR_SIGNING_KEY=cluster.base["VEILLEUR_SIGNING_KEY"]):
            with db.sessions() as session:
                services = [session.get(Service, sid) for sid in service_ids]
                campaign = create_campaign(session, services, "manual", {})
                units = pending_units(session, campaign.id)
            for unit in units:
                assert record_unit(db.sessions(), store, unit, capture(unit.url, datetime.now(timezone.utc)),
                                   findings(unit.url))
            with db.sessions() as session:
                finish_campaign(session, campaign.id)
    finally:
        db.close()


@pytest.fixture(scope="module")
def killed_midway(tmp_path_factory):
    """A full campaign by `veilleur run` on two workers, the first SIGKILLed while it runs units of the
    campaign; two of its services are down, and were up in the campaign before. Then the same
    campaign in one process, on a database of its own."""
    tmp = tmp_path_factory.mktemp("killed")
    hosts = [Host([f"h{h}s{s}" for s in range(PER_HOST)]) for h in range(HOSTS)]
    services = {f"h{h}s{s}": ("alertes" if (f"h{h}s{s}" in DOWN or s == 0) else "autres", hosts[h].url(f"h{h}s{s}"))
                for h in range(HOSTS) for s in range(PER_HOST)}
    listed = registry(tmp / "registry.yaml", services, {"alertes": ["alertes@ministere.example"],
                                                        "autres": ["autres@ministere.example"]})
    for sid in DOWN:
        hosts[int(sid[1])].down.add(sid)
    result: dict = {"hosts": hosts}
    try:
        with database() as db_url, rabbitmq_vhost() as broker:
            cluster = Cluster(tmp, db_url, broker, VEILLEUR_MAX_KEY_PAGES="0")
            data = tmp / "dispatcher"
            env = cluster.env(data)
            try:
                assert veilleur("registry", "import", str(listed), env=env).returncode == 0
                first = cluster.worker("first", wait=False)
                cluster.worker("second", wait=False)
                seed_earlier_runs(cluster, data, DOWN)
                for worker in cluster.workers:
                    worker.ready()

                log = (tmp / "run.log").open("w")
                run = subprocess.Popen([sys.executable, "-m", "veilleur.cli", "run"], env=env, stdout=log,
                                       stderr=subprocess.STDOUT, cwd=ROOT)
                campaign_id = 2

                def first_is_busy_midway() -> bool:
                    done = sum(1 for o in outcomes(db_url, campaign_id).values() if o[0] == "done")
                    return done >= 8 and bool(_running_on(db_url, campaign_id, first.name))

                _wait(first_is_busy_midway, 180, "the first worker to be running units mid-campaign")
                result["done_at_kill"] = sum(1 for o in outcomes(db_url, campaign_id).values() if o[0] == "done")
                under_first = psutil.Process(first.proc.pid).children(recursive=True)  # its driver and Chromium
                first.kill()
                result["run_code"] = run.wait(timeout=300)
                log.close()
                result["run_output"] = (tmp / "run.log").read_text(encoding="utf-8")
                _, result["left_over"] = psutil.wait_procs(under_first, timeout=15)
                result["distributed"] = outcomes(db_url, campaign_id)
                result["workers"] = _unit_workers(db_url, campaign_id)
                result["first"] = first.name
                verified = veilleur("verify", env=env)
                result["verify"] = (verified.returncode, verified.stdout + verified.stderr)
                db = cluster.database()
                with db.sessions() as session:
                    result["mails"] = session.execute(
                        select_rows(OutgoingMail.campaign_id, OutgoingMail.kind, OutgoingMail.status, OutgoingMail.recipients)
                    ).all()
                    result["pages"] = session.execute(
                        select_rows(PageRecord.service_run_id, func.count()).join(ServiceRun, PageRecord.service_run_id == ServiceRun.id)
                        .where(ServiceRun.campaign_id == campaign_id).group_by(PageRecord.service_run_id)
                    ).all()
                    result["manifests"] = session.scalar(select_rows(func.count()).select_from(ManifestRecord)
                                                         .join(ServiceRun).where(ServiceRun.campaign_id == campaign_id))
                db.close()
                result["outbox"] = sorted(p.name for p in (data / "outbox").glob("*.eml"))
            finally:
                cluster.close()

        # The same campaign in one process: SQLite, no broker.
        alone = tmp / "alone"
        env = {k: v for k, v in cluster.env(alone).items()
               if k not in ("VEILLEUR_BROKER_URL", "VEILLEUR_DATABASE_URL", "VEILLEUR_EVIDENCE_URL")}
        assert veilleur("registry", "import", str(listed), env=env).returncode == 0
        done = veilleur("run", env=env)
        assert done.returncode == 0, done.stderr
        result["in_process"] = outcomes(f"sqlite:///{alone / 'veilleur.db'}")
        yield result
    finally:
        for host in hosts:
            host.site.close()


def test_each_service_is_stored_exactly_once_though_a_worker_died_under_its_tasks(killed_midway):
    distributed = killed_midway["distributed"]
    assert killed_midway["run_code"] == 0, killed_midway["run_output"]
    assert len(distributed) == HOSTS * PER_HOST and {o[0] for o in distributed.values()} == {"done"}
    # The first worker died with units in hand: the broker gave them to the second, which stored them.
    assert 8 <= killed_midway["done_at_kill"] < HOSTS * PER_HOST
    redelivered = [sid for sid, (worker, deliveries) in killed_midway["workers"].items() if deliveries >= 2]
    assert redelivered and all(killed_midway["workers"][sid][0] != killed_midway["first"] for sid in redelivered)
    # Once each: one manifest per run, each run's pages once.
    assert killed_midway["manifests"] == HOSTS * PER_HOST
    assert sorted(n for _, n in killed_midway["pages"]) == sorted(o[3] for o in distributed.values())
    # Its Playwright driver saw its pipe close and took Chromium with it: nothing of it is left.
    assert killed_midway["left_over"] == []
    code, output = killed_midway["verify"]
    assert code == 0 and "tout est vérifié" in output, output
    assert "40/40" in killed_midway["run_output"] and "Traceback" not in killed_midway["run_output"]


def test_the_results_are_those_of_the_in_process_executor(killed_midway):
    assert killed_midway["distributed"] == killed_midway["in_process"]
    down = {sid: o for sid, o in killed_midway["distributed"].items() if not o[1]}
    assert set(down) == set(DOWN) and {o[2] for o in down.values()} == {"http_4xx"}


def test_the_campaigns_digest_is_sent_once(killed_midway):
    # The two services down, up in the campaign before, make one digest to their ministry, sent once,
    # though a worker died and its units were run again.
    assert [(c, kind, status, recipients) for c, kind, status, recipients in killed_midway["mails"]] == [
        (2, "digest", "sent", ["alertes@ministere.example"])]
    assert len(killed_midway["outbox"]) == 1


def test_two_workers_never_load_pages_of_one_host_at_once(killed_midway):
    hosts = killed_midway["hosts"]
    assert all(host.loads for host in hosts)
    assert [host.overlaps() for host in hosts] == [[] for _ in hosts]
    # And they did share hosts: services of one host were run by both workers.
    workers_by_host: dict[str, set] = {}
    for sid, (worker, _) in killed_midway["workers"].items():
        workers_by_host.setdefault(sid.split("s")[0], set()).add(worker)
    assert any(len(workers) == 2 for workers in workers_by_host.values())


# --- a worker with nothing of its own, behind a veth link ------------------------------------------


class Forwarder:
    """Relays TCP connections from `listen` to `target` (host, port): the veth side of a service that
    listens on the loopback only."""

    def __init__(self, listen: tuple[str, int], target: tuple[str, int]):
        self.target = target
        self.server = socket.create_server(listen, reuse_port=False)
        self.server.settimeout(0.2)
        self._stop = threading.Event()
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while not self._stop.is_set():
            try:
                client, _ = self.server.accept()
            except OSError:
                continue
            threading.Thread(target=self._pipe, args=(client,), daemon=True).start()

    def _pipe(self, client: socket.socket) -> None:
        try:
            upstream = socket.create_connection(self.target)
        except OSError:
            client.close()
            return
        with client, upstream:
            while not self._stop.is_set():
                ready, _, _ = select.select([client, upstream], [], [], 0.5)
                for source in ready:
                    data = source.recv(65536)
                    if not data:
                        return
                    (upstream if source is client else client).sendall(data)

    def close(self) -> None:
        self._stop.set()
        self.server.close()


def _ip(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(["ip", *args], capture_output=True, text=True, timeout=30)


@contextmanager
def network_namespace():
    """A network namespace joined to this one by a veth link only; yields (name, our address on the
    link), or None where the machine does not allow it (not root, no `ip`)."""
    name = f"vl{os.getpid() % 100000}"
    net = 1 + os.getpid() % 250
    outside, inside = f"vh{os.getpid() % 100000}", f"vn{os.getpid() % 100000}"
    if os.geteuid() != 0 or not shutil.which("ip") or _ip("netns", "add", name).returncode != 0:
        yield None
        return
    try:
        steps = [
            ("link", "add", outside, "type", "veth", "peer", "name", inside),
            ("link", "set", inside, "netns", name),
            ("addr", "add", f"10.231.{net}.1/30", "dev", outside),
            ("link", "set", outside, "up"),
            ("netns", "exec", name, "ip", "addr", "add", f"10.231.{net}.2/30", "dev", inside),
            ("netns", "exec", name, "ip", "link", "set", inside, "up"),
            ("netns", "exec", name, "ip", "link", "set", "lo", "up"),
        ]
        for step in steps:
            done = _ip(*step)
            if done.returncode != 0:
                yield None
                return
        yield name, f"10.231.{net}.1"
    finally:
        _ip("netns", "del", name)
        _ip("link", "del", outside)


SERVE = """
import json, sys, time
from tests.support.webserver import LocalSite, html
page = '<!doctype html><html lang="fr"><head><title>{0}</title></head><body><main><h1>{0}</h1><p>Appelez le 01 23 45 67 89.</p></main></body></html>'
sites = {f"n{i}": LocalSite({"/": html(page.format(f"Service n{i}"))}) for i in range(4)}
print(json.dumps({sid: site.url("/") for sid, site in sites.items()}), flush=True)
sys.stdin.read()
"""


def test_a_worker_with_nothing_of_its_own_behind_a_veth_link_stores_evidence_verify_checks_elsewhere(tmp_path):
    with database() as db_url, redis_database() as broker, network_namespace() as namespace:
        cluster = Cluster(tmp_path, db_url, broker, VEILLEUR_MAX_KEY_PAGES="0")
        prefix: list[str] = []
        worker_env = cluster.env(tmp_path / "worker-alone")
        forwarders: list[Forwarder] = []
        if namespace is not None:
            name, address = namespace
            prefix = ["ip", "netns", "exec", name]
            for url in (db_url, broker):
                parts = urlsplit(url)
                forwarders.append(Forwarder((address, parts.port), (parts.hostname, parts.port)))
            reached_db = make_url(db_url).set(host=address).render_as_string(hide_password=False)
            reached_broker = broker.replace(urlsplit(broker).hostname, address, 1)
            worker_env = {**worker_env, "VEILLEUR_DATABASE_URL": reached_db, "VEILLEUR_EVIDENCE_URL": reached_db,
                          "VEILLEUR_BROKER_URL": reached_broker}
            # Inside, the database's own address leads nowhere: only the link does.
            local = subprocess.run([*prefix, sys.executable, "-c",
                                    f"import socket; socket.create_connection(('127.0.0.1', {make_url(db_url).port}), 2)"],
                                   capture_output=True, timeout=30)
            assert local.returncode != 0
        # The sites are served where the worker is (its own loopback, in its namespace).
        sites = subprocess.Popen([*prefix, sys.executable, "-c", SERVE], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                 text=True, cwd=ROOT)
        try:
            urls = json.loads(sites.stdout.readline())
            (tmp_path / "worker-alone").mkdir()
            cluster.workers.append(Worker(worker_env, tmp_path / "worker-alone.log", 2, prefix).ready())
            data = tmp_path / "dispatcher"
            env = cluster.env(data)
            listed = registry(tmp_path / "r.yaml", {sid: ("m", url) for sid, url in urls.items()}, {"m": []})
            assert veilleur("registry", "import", str(listed), env=env).returncode == 0
            # The nightly campaign, started by the scheduler, which dispatches it as `veilleur run` does.
            schedule = tmp_path / "schedule.yaml"
            schedule.write_text('campaign: "0 3 * * *"\navailability: null\njitter_s: 0\n', encoding="utf-8")
            _make_due(cluster, schedule, "full")
            done = veilleur("schedule", "--config", str(schedule), "--once", env=env)
            assert done.returncode == 0, done.stdout + done.stderr
            assert {o[:2] for o in outcomes(db_url).values()} == {("done", True)}

            verified = veilleur("verify", env=env)
            assert verified.returncode == 0 and "tout est vérifié" in verified.stdout, verified.stdout + verified.stderr
            assert "4 manifestes signés" in verified.stdout
            # The worker kept nothing on a disk of its own: the evidence is in the database.
            kept = {p.name for p in (tmp_path / "worker-alone").rglob("*") if p.is_file()}
            assert kept <= {"keyring.json", ".signing.lock"}, kept

            status = veilleur("status", env=env)
            assert status.returncode == 0, status.stderr
            shown = " ".join(status.stdout.split())
            assert "full (veilleur.full) │ 0" in shown and "veilleur-" in shown and "│ 2 │" in shown, status.stdout
        finally:
            cluster.close()
            sites.stdin.close()
            sites.wait(timeout=30)
            for forwarder in forwarders:
                forwarder.close()


# --- a task that kills its workers -------------------------------------------------------------


def test_a_task_that_keeps_killing_its_workers_is_set_aside_as_our_failure_never_the_sites(tmp_path):
    deadly = LocalSite({"/": html("<html lang=fr><title>Lente</title><p>Appelez le 01 23 45 67 89.</p>", delay_s=60)})
    sound = LocalSite({"/": html("<html lang=fr><title>Saine</title><p>Appelez le 01 23 45 67 89.</p>")})
    try:
        with database() as db_url, rabbitmq_vhost() as broker:
            cluster = Cluster(tmp_path, db_url, broker, VEILLEUR_MAX_KEY_PAGES="0", VEILLEUR_PAGE_TIMEOUT="90")
            data = tmp_path / "dispatcher"
            env = cluster.env(data)
            listed = registry(tmp_path / "r.yaml", {"deadly": ("m", deadly.url("/")), "sound": ("m", sound.url("/"))},
                              {"m": []})
            assert veilleur("registry", "import", str(listed), env=env).returncode == 0
            log = (tmp_path / "run.log").open("w")
            run = subprocess.Popen([sys.executable, "-m", "veilleur.cli", "run"], env=env, stdout=log,
                                   stderr=subprocess.STDOUT, cwd=ROOT)
            try:
                # Each worker that takes the deadly unit dies under it (as one the OOM killer takes).
                for attempt in range(1, OUR_FAILURE_ATTEMPTS + 1):
                    worker = cluster.worker(f"w{attempt}", concurrency=2)
                    _wait(lambda: _unit_workers(db_url, 1).get("deadly") == (worker.name, attempt), 60,
                          f"delivery {attempt} of the deadly unit")
                    # (A unit in flight beside it would share its deaths: the sound one ends first.)
                    _wait(lambda: outcomes(db_url, 1)["sound"][0] == "done", 60, "the sound unit")
                    worker.kill()
                cluster.worker("last", concurrency=2)
                code = run.wait(timeout=120)
            finally:
                if run.poll() is None:
                    run.kill()
                log.close()
            output = " ".join((tmp_path / "run.log").read_text(encoding="utf-8").split())  # unwrapped
            assert code == 130, output
            assert "deadly : résultat non enregistré" in output and "nos workers" in output and "mise de côté" in output, output
            seen = outcomes(db_url, 1)
            # Nothing recorded of the deadly site: no run, no page, no availability figure; the sound one is.
            assert seen["deadly"] == ("pending", None, None, 0, ())
            assert seen["sound"][:3] == ("done", True, None)
            assert _unit_workers(db_url, 1)["deadly"][1] == OUR_FAILURE_ATTEMPTS + 1

            # The site was never to blame: once it answers, `--resume` records it.
            deadly.routes["/"] = html("<html lang=fr><title>Lente</title><p>Appelez le 01 23 45 67 89.</p>")
            resumed = veilleur("run", "--resume", env=env)
            assert resumed.returncode == 0, resumed.stdout + resumed.stderr
            assert outcomes(db_url, 1)["deadly"][:3] == ("done", True, None)
            cluster.close()
    finally:
        deadly.close()
        sound.close()


# --- refused without PostgreSQL ------------------------------------------------------------------


def test_distributed_mode_refuses_sqlite_in_one_line_and_starts_nothing(tmp_path):
    env = dict(os.environ, VEILLEUR_DATA_DIR=str(tmp_path / "data"), VEILLEUR_BROKER_URL="amqp://guest:guest@127.0.0.1:1//")
    env.pop("VEILLEUR_DATABASE_URL", None)
    listed = registry(tmp_path / "r.yaml", {"s": ("m", "http://127.0.0.1:9/")}, {"m": []})
    assert veilleur("registry", "import", str(listed), env=env).returncode == 0
    for command in (["run"], ["worker"], ["schedule", "--once"]):
        refused = veilleur(*command, env=env, timeout=60)
        assert refused.returncode == 2, command
        # One line (the scheduler's log of its migrations aside).
        [line] = [line for line in refused.stderr.splitlines() if "alembic" not in line and line.strip()]
        assert line.startswith("veilleur : erreur : VEILLEUR_BROKER_URL est défini") and "PostgreSQL" in line
    engine = create_engine(f"sqlite:///{tmp_path / 'data' / 'veilleur.db'}")
    with engine.connect() as conn:
        assert conn.scalar(text("select count(*) from campaigns")) == 0
    engine.dispose()


def test_only_campaign_distributed_may_talk_to_celery(tmp_path):
    from tests.test_architecture import copy_of_the_house, lint_imports

    house = copy_of_the_house(tmp_path)
    target = house / "campaign" / "executor.py"
    target.write_text(target.read_text(encoding="utf-8") + "\nimport celery  # deliberately wrong\n", encoding="utf-8")
    done = lint_imports(house)
    assert done.returncode != 0 and "Only campaign/distributed talks to Celery BROKEN" in done.stdout, done.stdout
