"""A real Prefect server (``prefect server start``) for ``rinse serve``, tests and scripts.

The temporary server Prefect starts for a process without ``PREFECT_API_URL`` has no
scheduler: a deployment served against it is registered and then never runs.  So
``rinse serve`` uses the server at ``PREFECT_API_URL``, or starts ``prefect server
start`` itself, and waits for ``/api/health`` before registering anything
(``prefect server start --background`` returns seconds before the API answers).
No Prefect import at module level: this runs before Prefect reads its settings.
"""

from __future__ import annotations

import ctypes
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from rinse.config import UsageError

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 4200
HEALTH_TIMEOUT = 90.0  # seconds; a fresh server on 127.0.0.1 is healthy in about 5 s
STOP_TIMEOUT = 15.0
PR_SET_PDEATHSIG = 1


def api_url(host: str, port: int) -> str:
    """
    >>> api_url('127.0.0.1', 4200)
    'http://127.0.0.1:4200/api'
    """
    return f"http://{host}:{port}/api"


def ui_url(api: str) -> str:
    """The UI's address for an API address.

    >>> ui_url('http://127.0.0.1:4200/api')
    'http://127.0.0.1:4200'
    """
    return api.rstrip("/").removesuffix("/api")


def free_port(host: str = DEFAULT_HOST) -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as sock:
        sock.bind((host, 0))
        return sock.getsockname()[1]


def is_healthy(api: str, timeout: float = 2.0) -> bool:
    """Whether the Prefect API at ``api`` answers its health check."""
    try:
        with urllib.request.urlopen(f"{api.rstrip('/')}/health", timeout=timeout) as response:
            return response.status == 200
    except (OSError, urllib.error.URLError):
        return False


def wait_healthy(api: str, timeout: float = HEALTH_TIMEOUT, process: subprocess.Popen | None = None,
                 log: Path | None = None) -> None:
    """Wait until ``api`` is healthy; ``UsageError`` when ``process`` exits or time runs out."""
    deadline = time.monotonic() + timeout
    see_log = f" (see {log})" if log else ""
    while not is_healthy(api):
        if process is not None and process.poll() is not None:
            raise UsageError(f"prefect server exited with status {process.returncode}{see_log}")
        if time.monotonic() > deadline:
            raise UsageError(f"no healthy Prefect server at {api} after {timeout:.0f} s{see_log}")
        time.sleep(0.25)


def _die_with_parent() -> None:  # pragma: no cover (runs in the child, before exec)
    """Linux: the server gets SIGTERM when the process that started it dies, even by SIGKILL."""
    if sys.platform == "linux":
        ctypes.CDLL(None).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)


def start_server(host: str, port: int, log: Path, env: dict[str, str] | None = None) -> subprocess.Popen:
    """``prefect server start`` on ``host:port`` (not waited for), its output going to ``log``."""
    log.parent.mkdir(parents=True, exist_ok=True)
    command = [sys.executable, "-m", "prefect", "server", "start", "--host", host, "--port", str(port)]
    server_env = {**os.environ, **(env or {}), "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
                  # the UI asks the server where the API is: the settings, not the CLI flags, say
                  "PREFECT_SERVER_API_HOST": host, "PREFECT_SERVER_API_PORT": str(port),
                  "PREFECT_UI_API_URL": api_url(host, port)}
    server_env.pop("PREFECT_API_URL", None)  # the server must not try to talk to another one
    with log.open("ab") as out:
        return subprocess.Popen(command, env=server_env, stdin=subprocess.DEVNULL, stdout=out,
                                stderr=subprocess.STDOUT, preexec_fn=_die_with_parent)


# What Prefect sets for the temporary server it starts itself (``SubprocessASGIServer``).
TEMPORARY_SERVER_ENV = {"PREFECT_UI_ENABLED": "0", "PREFECT__SERVER_EPHEMERAL": "1",
                        "PREFECT__SERVER_FINAL": "1"}


def start_temporary_server(host: str, port: int, log: Path) -> subprocess.Popen:
    """Prefect's temporary server (API only: no UI, no scheduler), as Prefect itself starts it
    for a process without ``PREFECT_API_URL``: uvicorn on ``prefect.server.api.server:create_app``."""
    log.parent.mkdir(parents=True, exist_ok=True)
    command = [sys.executable, "-m", "uvicorn", "--factory", "prefect.server.api.server:create_app",
               "--host", host, "--port", str(port), "--log-level", "error", "--lifespan", "on"]
    with log.open("ab") as out:
        return subprocess.Popen(command, env={**os.environ, **TEMPORARY_SERVER_ENV}, stdin=subprocess.DEVNULL,
                                stdout=out, stderr=subprocess.STDOUT, preexec_fn=_die_with_parent)


def stop_server(process: subprocess.Popen) -> None:
    """Stop a server started by ``start_server``: SIGTERM, then SIGKILL if it lingers."""
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@contextmanager
def running_server(host: str = DEFAULT_HOST, port: int | None = None, log: Path | None = None,
                   env: dict[str, str] | None = None, timeout: float = HEALTH_TIMEOUT) -> Iterator[str]:
    """Start ``prefect server start``, wait for its health check, yield its API URL; stop it after."""
    port = port or free_port(host)
    log = log or prefect_home(env) / f"server-{port}.log"
    process = start_server(host, port, log, env)
    try:
        wait_healthy(api_url(host, port), timeout, process, log)
        yield api_url(host, port)
    finally:
        stop_server(process)


def flush_to_server(timeout: float = 10.0) -> None:
    """Send this process's queued Prefect logs and events now, before its server goes away
    (else each one is retried, for a minute, at interpreter exit)."""
    from prefect.events.worker import EventsWorker
    from prefect.logging.handlers import APILogWorker

    for worker in (APILogWorker, EventsWorker):
        worker.drain_all(timeout=timeout)


def run_artifacts(api: str, flow_run_id: str) -> list[dict]:
    """The artifacts of one flow run (``key``, ``type``, ``data``...), newest first.

    Plain HTTP: prefect 3.8.8's client sends ``null`` for the filters not given, which
    its server refuses.
    """
    body = {"artifacts": {"flow_run_id": {"any_": [flow_run_id]}}, "sort": "CREATED_DESC", "limit": 200}
    request = urllib.request.Request(f"{api.rstrip('/')}/artifacts/filter", data=json.dumps(body).encode(),
                                     headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.loads(response.read())


def prefect_home(env: dict[str, str] | None = None) -> Path:
    """Prefect's home folder (``PREFECT_HOME``, default ``~/.prefect``)."""
    home = (env or {}).get("PREFECT_HOME") or os.environ.get("PREFECT_HOME") or "~/.prefect"
    return Path(home).expanduser()


@contextmanager
def early_temporary_server(meanwhile: Callable[[], None] | None = None
                           ) -> Iterator[Callable[[], None] | None]:
    """The temporary Prefect server a run without ``PREFECT_API_URL`` needs, started first thing.

    Prefect would start the same server when the flow begins, after its own imports: starting
    it before anything is imported lets its start-up (about 5 s) overlap ours.  Yields a
    function that waits for the server's health check (call it before the flow), or ``None``
    when no server was started here: with an API URL in the environment, a profile or a
    settings file (or ephemeral mode off), Prefect does what it always does.  ``meanwhile``
    is called once the server is starting, before Prefect is imported.
    """
    process = api = None
    if "PREFECT_API_URL" not in os.environ and "prefect" not in sys.modules:
        port = free_port(DEFAULT_HOST)
        api, log = api_url(DEFAULT_HOST, port), prefect_home() / "temporary-server.log"
        process = start_temporary_server(DEFAULT_HOST, port, log)
    try:
        if meanwhile is not None:
            meanwhile()
        from prefect.settings import PREFECT_API_URL, get_current_settings, temporary_settings

        settings = get_current_settings()
        if process is None or settings.api.url or not settings.server.ephemeral.enabled:
            if process is not None:
                stop_server(process)
            yield None
            return
        with temporary_settings(updates={PREFECT_API_URL: api}):
            yield lambda: wait_healthy(api, HEALTH_TIMEOUT, process, log)
            flush_to_server()
    finally:
        if process is not None:
            stop_server(process)
