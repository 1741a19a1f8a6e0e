"""Input and warehouse on object storage: an S3-compatible server (moto) on 127.0.0.1."""

import logging
import shutil
import socket
from pathlib import Path

import pyarrow.dataset as ds
import pyarrow.fs
import pytest
from distributed import LocalCluster
from moto.server import ThreadedMotoServer

from rinse.cli import main
from rinse.config import location
from tasks.discover import walk_root
from tasks.warehouse import LOCK_FILE, WarehouseError, WarehouseLock

REPO = Path(__file__).resolve().parents[1]
BUCKET = "rinse-test"
PER_RUN = {"run_id", "processed_at"}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def s3_endpoint():
    """A moto S3 server with one bucket; the AWS_* variables point every client at it."""
    import s3fs

    port = free_port()
    request_log = logging.getLogger("werkzeug")  # one line per request, into Prefect's console handler
    request_log.setLevel(logging.WARNING)
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    endpoint = f"http://127.0.0.1:{port}"
    with pytest.MonkeyPatch.context() as env:
        for key, value in {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing",
                           "AWS_DEFAULT_REGION": "us-east-1", "AWS_ENDPOINT_URL": endpoint,
                           "AWS_CONFIG_FILE": "/nonexistent", "AWS_SHARED_CREDENTIALS_FILE": "/nonexistent"
                           }.items():
            env.setenv(key, value)
        env.delenv("AWS_PROFILE", raising=False)
        s3fs.S3FileSystem.clear_instance_cache()
        s3fs.S3FileSystem().mkdir(BUCKET)
        yield endpoint
        s3fs.S3FileSystem.clear_instance_cache()
    server.stop()
    request_log.setLevel(logging.NOTSET)


@pytest.fixture
def s3_prefix(s3_endpoint, request) -> str:
    """A fresh prefix in the bucket for one test."""
    return f"s3://{BUCKET}/{request.node.name}"


def s3_dataset(endpoint: str, warehouse_uri: str, table: str) -> ds.Dataset:
    """A table read as any pyarrow user would, with pyarrow's own S3 filesystem."""
    s3 = pyarrow.fs.S3FileSystem(endpoint_override=endpoint, access_key="testing", secret_key="testing",
                                 region="us-east-1")
    return ds.dataset(f"{warehouse_uri.removeprefix('s3://')}/{table}", format="parquet", filesystem=s3)


def comparable(dataset: ds.Dataset) -> list[tuple]:
    """The rows, without the columns that differ between two runs of the same input."""
    rows = dataset.to_table().to_pylist()
    return sorted(tuple((k, str(v)) for k, v in row.items() if k not in PER_RUN) for row in rows)


@pytest.fixture
def local_input(corpus: Path, tmp_path: Path) -> Path:
    """The seeds, with the small corpus (a sub-folder, a hidden file, an empty file) under ``more/``."""
    root = tmp_path / "in"
    shutil.copytree(REPO / "seeds", root)
    shutil.copytree(corpus, root / "more")
    return root


def test_run_from_s3_to_s3_writes_the_tables_of_a_local_run(prefect_harness, s3_endpoint, s3_prefix,
                                                            local_input, tmp_path, capsys):
    source = location(f"{s3_prefix}/in")
    source.fs.put(str(local_input), source.path, recursive=True)
    wh = f"{s3_prefix}/wh"
    local_wh = tmp_path / "local"
    assert main(["run", "--input", str(local_input), "--warehouse", str(local_wh), "--workers", "1"]) == 0
    args = ["run", "--input", f"{s3_prefix}/in", "--warehouse", wh, "--workers", "2", "--batch-files", "4"]
    assert main(args) == 0
    assert " 0 documents written" not in capsys.readouterr().out
    for table in ("documents", "paragraphs", "removed", "rejects"):
        local = ds.dataset(local_wh / table, format="parquet")
        assert comparable(s3_dataset(s3_endpoint, wh, table)) == comparable(local), table
    sources = s3_dataset(s3_endpoint, wh, "documents").to_table(columns=["source_path"])["source_path"]
    assert "more/zh/library.txt" in sources.to_pylist()
    assert not any(".hidden" in p for p in sources.to_pylist())

    assert main(args) == 0
    assert " 0 documents written" in capsys.readouterr().out
    assert [p for p in location(wh).rglob("*") if p.name.startswith(".")] == []
    assert len(s3_dataset(s3_endpoint, wh, "runs").to_table()) == 2


def test_dask_workers_clean_from_s3_into_s3(prefect_harness, s3_endpoint, s3_prefix, local_input, tmp_path):
    source = location(f"{s3_prefix}/in")
    source.fs.put(str(local_input), source.path, recursive=True)
    wh = f"{s3_prefix}/wh"
    local_wh = tmp_path / "local"
    assert main(["run", "--input", str(local_input), "--warehouse", str(local_wh), "--workers", "1"]) == 0
    # Started here, so that its workers inherit the AWS_* variables.
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                      dashboard_address="127.0.0.1:0") as cluster:
        assert main(["run", "--input", f"{s3_prefix}/in", "--warehouse", wh, "--batch-files", "4",
                     "--dask-address", cluster.scheduler_address]) == 0
    local = ds.dataset(local_wh / "documents", format="parquet")
    assert comparable(s3_dataset(s3_endpoint, wh, "documents")) == comparable(local)


def test_walk_of_a_prefix_lists_what_a_local_walk_lists(s3_prefix, local_input):
    (local_input / "more" / "zh.txt").write_text("after the zh/ folder, as locally\n")
    (local_input / ".git").mkdir()
    (local_input / ".git" / "HEAD").write_text("hidden folder\n")
    source = location(f"{s3_prefix}/in")
    source.fs.put(str(local_input), source.path, recursive=True)
    remote = [(r.rel_path, r.size) for r in walk_root(source, skip=[source / "more" / "zh"])]
    local = [(r.rel_path, r.size) for r in walk_root(local_input, skip=[local_input / "more" / "zh"])]
    assert remote == local and "more/zh.txt" in dict(local)
    assert all(ref.path == f"{s3_prefix}/in/{ref.rel_path}" for ref in walk_root(source))


def test_compact_on_s3_keeps_the_rows(prefect_harness, s3_endpoint, s3_prefix, local_input):
    wh = f"{s3_prefix}/wh"
    assert main(["run", "--input", str(local_input), "--warehouse", wh, "--workers", "1",
                 "--batch-files", "3"]) == 0
    before = {t: comparable(s3_dataset(s3_endpoint, wh, t)) for t in ("documents", "paragraphs")}
    assert len(list((location(wh) / "documents").glob("*.parquet"))) > 1
    assert main(["compact", "--warehouse", wh]) == 0
    files = list((location(wh) / "documents").glob("*.parquet"))
    assert len(files) == 1 and files[0].name.startswith("part-c")
    assert {t: comparable(s3_dataset(s3_endpoint, wh, t)) for t in before} == before


def test_lock_object_admits_one_writer_and_names_its_holder(s3_prefix, corpus, capsys):
    wh = location(f"{s3_prefix}/wh")
    with WarehouseLock(wh):
        assert (wh / LOCK_FILE).exists()
        with pytest.raises(WarehouseError, match="held by pid"):
            WarehouseLock(wh).__enter__()
        assert main(["run", "--input", str(corpus), "--warehouse", str(wh)]) == 2
        assert "another rinse run holds" in capsys.readouterr().err
    assert not (wh / LOCK_FILE).exists()
    with WarehouseLock(wh):
        pass


def test_missing_bucket_is_refused_with_one_line(s3_endpoint, corpus, capsys):
    assert main(["run", "--input", str(corpus), "--warehouse", "s3://no-such-bucket-here/wh"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "not writable" in err[0]
