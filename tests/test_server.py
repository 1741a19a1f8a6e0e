"""Against a real ``prefect server start`` (started here, on a free port, with its own
PREFECT_HOME): the flow's runs, task runs and artifacts as the Prefect API reports them,
``rinse serve`` deployments, and two ``rinse run`` processes on one warehouse."""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pyarrow.dataset as ds
import pytest

from rinse.server import api_url, flush_to_server, free_port, is_healthy, run_artifacts, running_server

REPO = Path(__file__).resolve().parents[1]
CONTENT_TABLES = ("documents", "paragraphs", "removed", "rejects")
RUN_COLUMNS = {"run_id", "processed_at"}  # differ between runs by design


def server_env(home: Path) -> dict[str, str]:
    return {"PREFECT_HOME": str(home), "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
            "PREFECT_API_DATABASE_CONNECTION_URL": f"sqlite+aiosqlite:///{home}/prefect.db"}


@pytest.fixture(scope="module")
def server(tmp_path_factory) -> str:
    """One real Prefect server for the module; flows in this process report to it."""
    from prefect.settings import PREFECT_API_URL, temporary_settings

    home = tmp_path_factory.mktemp("prefect-home")
    with running_server(env=server_env(home), log=home / "server.log") as api:
        # Prefect's events worker keeps the server it first connected to: drain (which
        # stops it) when switching servers, so task runs are reported to this one.
        flush_to_server()
        with temporary_settings({PREFECT_API_URL: api}):
            yield api
            flush_to_server()


@pytest.fixture
def seeds(tmp_path: Path) -> Path:
    root = tmp_path / "seeds"
    shutil.copytree(REPO / "seeds", root)
    return root


def rinse_command(*args: str) -> list[str]:
    return [sys.executable, "-m", "rinse.cli", *args]


def subprocess_env(api: str | None, **extra: str) -> dict[str, str]:
    env = {**os.environ, "PYTHONPATH": str(REPO), **extra}
    env.pop("PREFECT_API_URL", None)
    if api:
        env["PREFECT_API_URL"] = api
    return env


def query(coroutine_fn):
    """Run ``coroutine_fn(client)`` with a Prefect client of the current settings."""
    from prefect import get_client

    async def run():
        async with get_client() as client:
            return await coroutine_fn(client)

    return asyncio.run(run())


def wait_for(what, timeout: float = 90.0, every: float = 0.5):
    """Poll ``what()`` until it returns something truthy."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if result := what():
            return result
        time.sleep(every)
    raise AssertionError(f"timed out after {timeout} s waiting for {what.__name__}")


def test_a_run_reports_its_task_runs_and_artifacts_to_the_server(server, seeds, tmp_path):
    from prefect.client.schemas.filters import FlowRunFilter
    from prefect.client.schemas.objects import StateType
    from prefect.client.schemas.sorting import TaskRunSort

    from flows.clean_corpus import clean_corpus

    state = clean_corpus(inputs=[str(seeds)], warehouse=str(tmp_path / "wh"), workers=1, batch_files=3,
                         return_state=True)
    totals = state.result()
    flush_to_server()
    flow_run_id = state.state_details.flow_run_id

    flow_run = query(lambda c: c.read_flow_run(flow_run_id))
    assert flow_run.state.type == StateType.COMPLETED
    task_runs = query(lambda c: c.read_task_runs(  # prefect 3.8.8's server refuses a null sort or limit
        flow_run_filter=FlowRunFilter(id={"any_": [flow_run_id]}), sort=TaskRunSort.NAME_ASC, limit=100))
    assert sorted(t.name for t in task_runs) == ["clean-batch-0", "clean-batch-1", "clean-batch-2"]
    assert {t.state.type for t in task_runs} == {StateType.COMPLETED}

    artifacts = {a["key"]: a for a in run_artifacts(server, str(flow_run_id))}
    assert {k: a["type"] for k, a in artifacts.items()} == {
        "clean-corpus-summary": "markdown", "clean-corpus-removed-lines": "table",
        "clean-corpus-progress": "progress"}
    summary = artifacts["clean-corpus-summary"]["data"]
    assert f"| files seen | {totals['files_seen']} |" in summary
    assert f"| documents written | {totals['documents_written']} |" in summary
    assert f"| lines removed | {sum(totals['removed_by_category'].values())} |" in summary
    table = json.loads(artifacts["clean-corpus-removed-lines"]["data"])
    assert {row["category"] for row in table} == set(totals["removed_by_category"])
    for row in table:
        assert 1 <= row["count"] <= totals["removed_by_category"][row["category"]]
    assert artifacts["clean-corpus-progress"]["data"] == 100.0


def read_deployment(name: str):
    from prefect.exceptions import ObjectNotFound

    async def read(client):
        try:
            return await client.read_deployment_by_name(f"clean-corpus/{name}")
        except ObjectNotFound:
            return None

    return query(read)


def assert_scheduled_one_at_a_time(deployment, cron: str) -> None:
    assert [s.schedule.cron for s in deployment.schedules] == [cron]
    assert deployment.global_concurrency_limit.limit == 1
    assert deployment.concurrency_options.collision_strategy == "CANCEL_NEW"


def stop(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(30)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def test_rinse_serve_registers_a_scheduled_deployment_and_runs_it(server, seeds, tmp_path):
    from prefect.client.schemas.objects import StateType

    config = tmp_path / "rinse.toml"
    config.write_text(f'input = "{seeds}"\nwarehouse = "wh"\ncron = "*/5 * * * *"\nworkers = 1\n')
    serve = subprocess.Popen(rinse_command("serve", "--config", str(config), "--name", "it-serve"),
                             env=subprocess_env(server, PREFECT_RUNNER_POLL_FREQUENCY="1"),
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deployment = wait_for(lambda: read_deployment("it-serve"))
        run = query(lambda c: c.create_flow_run_from_deployment(deployment.id))

        def finished():
            state = query(lambda c: c.read_flow_run(run.id)).state
            return state if state.is_final() else None

        assert wait_for(finished, timeout=180).type == StateType.COMPLETED
    finally:
        stop(serve)
    assert_scheduled_one_at_a_time(deployment, "*/5 * * * *")
    assert deployment.parameters["inputs"] == [str(seeds)]
    assert deployment.parameters["warehouse"] == str(tmp_path / "wh")
    rows = len(table_rows(tmp_path / "wh", "documents")) + len(table_rows(tmp_path / "wh", "rejects"))
    assert rows == len(list(seeds.iterdir()))
    assert {a["key"] for a in run_artifacts(server, str(run.id))} >= {"clean-corpus-summary"}


def test_rinse_serve_without_a_server_starts_one_and_stops_it(server, seeds, tmp_path):
    from prefect.settings import PREFECT_API_URL, temporary_settings

    port = free_port()
    own_api = api_url("127.0.0.1", port)
    serve = subprocess.Popen(
        rinse_command("serve", "--input", str(seeds), "--warehouse", str(tmp_path / "wh"), "--name", "own",
                      "--server-port", str(port)),
        env=subprocess_env(None, **server_env(tmp_path / "home")), stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE, text=True)
    try:
        with temporary_settings({PREFECT_API_URL: own_api}):
            deployment = wait_for(lambda: is_healthy(own_api) and read_deployment("own"))
        assert_scheduled_one_at_a_time(deployment, "0 * * * *")
    finally:
        stop(serve)
    assert f"UI at http://127.0.0.1:{port}" in serve.stderr.read()
    assert not is_healthy(own_api)


def table_rows(wh: Path, table: str) -> list[dict]:
    rows = ds.dataset(wh / table, format="parquet", partitioning="hive").to_table().to_pylist()
    return sorted(json.dumps({k: v for k, v in r.items() if k not in RUN_COLUMNS}, sort_keys=True,
                             default=str) for r in rows)


@pytest.mark.parametrize("wait", [True, False])
def test_two_runs_started_together_leave_the_tables_of_one_run(server, seeds, tmp_path, wait):
    together, alone = tmp_path / "together", tmp_path / "alone"
    args = ["run", "--input", str(seeds), "--workers", "1", *(["--wait"] if wait else [])]
    runs = [subprocess.Popen(rinse_command(*args, "--warehouse", str(together)), env=subprocess_env(server),
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(2)]
    results = [(p.wait(300), p.stderr.read()) for p in runs]
    codes = sorted(code for code, _ in results)
    if wait:
        assert codes == [0, 0]
    else:
        assert codes in ([0, 0], [0, 2])
        for code, err in results:
            if code == 2:
                assert err.strip() == f"rinse: another rinse run holds {together}"
    one = rinse_command("run", "--input", str(seeds), "--workers", "1", "--warehouse", str(alone))
    assert subprocess.run(one, env=subprocess_env(server), capture_output=True).returncode == 0
    for table in CONTENT_TABLES:
        assert table_rows(together, table) == table_rows(alone, table), table
    written = sorted(r["n_documents_written"] for r in ds.dataset(together / "runs").to_table().to_pylist())
    n_documents = len(table_rows(alone, "documents"))
    assert written == ([0, n_documents] if codes == [0, 0] else [n_documents])


def test_prefect_deploy_registers_the_prefect_yaml_deployment(server, tmp_path):
    """``prefect deploy --all`` with the repository's prefect.yaml, in a copy of its flows.

    Its exit status is not checked: after creating the deployment, prefect 3.8.8's deploy
    asks the server for the pool's workers and gets a 422 (it sends a null ``limit``).
    """
    shutil.copy(REPO / "prefect.yaml", tmp_path)
    shutil.copytree(REPO / "flows", tmp_path / "flows")
    env = subprocess_env(server, CI="true")
    prefect = [sys.executable, "-m", "prefect", "--no-prompt"]
    subprocess.run([*prefect, "work-pool", "create", "rinse", "--type", "process"], env=env, cwd=tmp_path,
                   check=True, capture_output=True, stdin=subprocess.DEVNULL)
    subprocess.run([*prefect, "deploy", "--all"], env=env, cwd=tmp_path, capture_output=True,
                   stdin=subprocess.DEVNULL, timeout=300)
    deployment = read_deployment("clean-corpus-hourly")
    assert_scheduled_one_at_a_time(deployment, "0 * * * *")
    assert deployment.work_pool_name == "rinse"
    assert deployment.entrypoint == "flows/clean_corpus.py:clean_corpus"


def test_rinse_run_without_an_api_starts_the_temporary_server_first(seeds, tmp_path):
    home = tmp_path / "home"
    done = subprocess.run(rinse_command("run", "--input", str(seeds), "--warehouse", str(tmp_path / "wh")),
                          env=subprocess_env(None, **server_env(home)), capture_output=True, text=True,
                          timeout=300)
    assert done.returncode == 0, done.stderr
    assert "documents written" in done.stdout
    assert (home / "temporary-server.log").exists()  # ours, not the one Prefect starts itself


def test_an_api_url_from_a_settings_file_wins_over_the_early_server(tmp_path):
    (tmp_path / "prefect.toml").write_text('[api]\nurl = "http://127.0.0.1:9/api"\n')
    script = ("from rinse.server import early_temporary_server\n"
              "with early_temporary_server():\n"
              "    from prefect.settings import get_current_settings\n"
              "    print(get_current_settings().api.url)\n")
    done = subprocess.run([sys.executable, "-c", script], cwd=tmp_path, capture_output=True, text=True,
                          env=subprocess_env(None, **server_env(tmp_path / "home")), timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "http://127.0.0.1:9/api"
