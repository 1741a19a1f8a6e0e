"""The clean-corpus flow on a Dask cluster reached by address, against a local run."""

import shutil
import socket
from pathlib import Path

import pyarrow.dataset as ds
import pytest
from distributed import LocalCluster

from rinse.cli import main

REPO = Path(__file__).resolve().parents[1]
# Columns that differ between two runs of the same input.
PER_RUN = {"run_id", "processed_at"}


def table_rows(wh: Path, table: str) -> list[tuple]:
    rows = ds.dataset(wh / table, format="parquet").to_table().to_pylist()
    return sorted(tuple((k, str(v)) for k, v in row.items() if k not in PER_RUN) for row in rows)


@pytest.fixture(scope="module")
def dask_address():
    """Two worker processes on 127.0.0.1, as an existing cluster would be."""
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                      dashboard_address="127.0.0.1:0") as cluster:
        yield cluster.scheduler_address


def test_flow_on_a_dask_cluster_writes_the_tables_of_a_local_run(prefect_harness, dask_address, tmp_path):
    from flows.clean_corpus import clean_corpus

    seeds = tmp_path / "seeds"
    shutil.copytree(REPO / "seeds", seeds)
    shutil.copy(seeds / "sample_mojibake.txt", seeds / "sample_mojibake_copy.txt")
    local = clean_corpus(inputs=[str(seeds)], warehouse=str(tmp_path / "local"), workers=1)
    on_dask = clean_corpus(inputs=[str(seeds)], warehouse=str(tmp_path / "dask"), batch_files=2,
                           dask_address=dask_address)
    assert on_dask["documents_written"] == local["documents_written"] > 0
    assert on_dask["rejected_by_reason"] == local["rejected_by_reason"] == {"duplicate": 1}
    for table in ("documents", "paragraphs", "removed", "rejects"):
        assert table_rows(tmp_path / "dask", table) == table_rows(tmp_path / "local", table), table
    again = clean_corpus(inputs=[str(seeds)], warehouse=str(tmp_path / "dask"), batch_files=2,
                         dask_address=dask_address)
    assert (again["documents_written"], again["unchanged"]) == (0, again["files_seen"])


def test_cli_run_with_a_dask_address(prefect_harness, dask_address, corpus, tmp_path, capsys):
    args = ["run", "--input", str(corpus), "--warehouse", str(tmp_path / "wh"),
            "--dask-address", dask_address, "--batch-files", "1"]
    assert main(args) == 0
    assert "3 documents written" in capsys.readouterr().out
    runs = ds.dataset(tmp_path / "wh" / "runs", format="parquet").to_table().to_pylist()
    assert f'"dask_address": "{dask_address}"' in runs[0]["config"]
    assert '"workers": 2' in runs[0]["config"]


def test_cli_refuses_an_unreachable_dask_scheduler_with_one_line(corpus, tmp_path, capsys, monkeypatch):
    monkeypatch.setattr("flows.clean_corpus.DASK_CONNECT_TIMEOUT", "1s")
    with socket.socket() as probe:  # a port nobody listens on once closed
        probe.bind(("127.0.0.1", 0))
        address = f"tcp://127.0.0.1:{probe.getsockname()[1]}"
    args = ["run", "--input", str(corpus), "--warehouse", str(tmp_path / "wh"), "--workers", "2",
            "--dask-address", address]
    assert main(args) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith(f"rinse: cannot reach the Dask scheduler at {address}")
