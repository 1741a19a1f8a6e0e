"""Hostile input and crashes.

A folder of broken, binary, huge and pathological files beside good ones: every input file
must end up as exactly one document or one reject with the right reason, and the good
files' text must be what cleaning each of them alone gives.  A real ``rinse run`` killed
with SIGKILL mid-run must leave readable tables, and the next run must end with the tables
of an uninterrupted run.
"""

from __future__ import annotations

import codecs
import gzip
import hashlib
import importlib.util
import io
import os
import random
import shutil
import signal
import subprocess
import sys
import time
import zipfile
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pyarrow.dataset as ds
import pytest

from tasks.batch import process_batch
from tasks.clean import CleanConfig, clean_document
from tasks.decode import decode_bytes, unwrap
from tasks.discover import walk_root
from tasks.model import RejectError

LIMIT = 1_000_000  # the file size limit of these tests (bytes)
PATH_TABLES = ("documents", "rejects")

EN = ("Harbour ferry adds evening sailings\n\n"
      "The harbour ferry will add two evening sailings from next month, the operator said on Friday.\n\n"
      "The extra boats will leave the north pier at nine and ten in the evening on weekdays.\n")
EN_GZ = ("Library opens a reading garden\n\n"
         "The central library opened a reading garden on its roof, with shade and seating for forty.\n")
ZH_HANS = ("新区公园周末开放\n\n"
           "　　新区中央公园将于本周六正式对市民开放，园内设有步道和儿童游乐区。\n\n"
           "　　管理处表示，开放初期每天限流五千人次。\n")
ZH_HANT = "港口新增夜間渡輪\n\n　　渡輪公司宣布，下月起每晚增設兩班渡輪，方便市民往返離島。\n"
ZH_UTF16 = "博物馆新展厅开放\n\n　　市民可以通过网站预约参观博物馆的新展厅，每天开放八个小时。\n"
EN_CP1252 = ("Café owners welcome the “late licence” rules\n\n"
             "Owners of cafés in the old town said the new rules would let them stay open until midnight.\n")
EN_UTF16LE = ("Bridge repairs finish early\n\n"
              "Repairs to the old river bridge finished a week early, the city engineer said on Monday.\n")
PAGE = """<!doctype html><html><head><meta charset="utf-8"><title>Tram line extended | City News</title>
</head><body><nav><a href="/">Home</a> <a href="/city">City</a> <a href="/sport">Sport</a></nav>
<article><h1>Tram line extended to the airport</h1>
<p>The tram line will reach the airport terminal from September, the transport office said on Tuesday.</p>
<p>Trams will run every eight minutes at peak hours, and the fare will stay the same as in the city.</p>
</article><footer>Copyright 2024 City News. All rights reserved.</footer></body></html>"""
DEEP_SENTENCE = "Deep inside the page, the council approved the budget for the new school."


@dataclass(frozen=True)
class Expect:
    """What one input file must become: a document holding ``sentence``, or a reject for ``reason``."""

    table: str
    reason: str | None = None
    sentence: str | None = None


def document(sentence: str) -> Expect:
    return Expect("documents", sentence=sentence)


def reject(reason: str) -> Expect:
    return Expect("rejects", reason=reason)


def zip_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("story.txt", EN)
    return buffer.getvalue()


def good_files() -> dict[str, tuple[bytes, Expect]]:
    """Good files in the encodings and formats a news crawl holds."""
    return {
        "good/en.txt": (EN.encode("utf-8"), document("two evening sailings from next month")),
        "good/en_gzip.txt.gz": (gzip.compress(EN_GZ.encode()), document("a reading garden on its roof")),
        "good/zh_gb18030.txt": (ZH_HANS.encode("gb18030"), document("园内设有步道和儿童游乐区。")),
        "good/zh_big5.txt": (ZH_HANT.encode("big5"), document("下月起每晚增設兩班渡輪")),
        "good/zh_utf16.txt": (codecs.BOM_UTF16_LE + ZH_UTF16.encode("utf-16-le"),
                              document("预约参观博物馆的新展厅")),
        "good/en_utf16le_no_bom.txt": (EN_UTF16LE.encode("utf-16-le"), document("finished a week early")),
        "good/en_cp1252.txt": (EN_CP1252.encode("cp1252"), document("Owners of cafés in the old town")),
        "good/page.html": (PAGE.encode("utf-8"), document("every eight minutes at peak hours")),
    }


def pathological_files() -> dict[str, tuple[bytes, Expect]]:
    """Files that are text, but shaped to make a careless cleaner slow, deep or wrong."""
    depth = 50_000
    deep = "<html><body>" + "<div>" * depth + f"<p>{DEEP_SENTENCE}</p>" + "</div>" * depth + "</body></html>"
    zero_width = "\u200b" * 100_000 + " Visible words after a run of zero-width spaces.\n"
    mojibake = "Café déjà vu – “quoted” résumé. ".encode().decode("sloppy-windows-1252") * 5000
    return {
        "odd/deep.html": (deep.encode(), document(DEEP_SENTENCE)),
        "odd/long_line.txt": (("The river rose again overnight. " * 25_000).encode(),
                              document("The river rose again overnight.")),
        "odd/entities.txt": (("&amp;" * 100_000 + "\n\nThe flood of entities ended here.\n").encode(),
                             document("The flood of entities ended here.")),
        "odd/zero_width.txt": (zero_width.encode(),
                               document("Visible words after a run of zero-width spaces.")),
        "odd/mojibake.txt": (mojibake.encode(), document("Café déjà vu – “quoted” résumé.")),
    }


def bad_files() -> dict[str, tuple[bytes, Expect]]:
    """Files that are no text to clean, each with the reason it must be rejected for."""
    rng = random.Random(6)
    noise = bytes(rng.randrange(256) for _ in range(4096))
    return {
        "bad/empty.txt": (b"", reject("empty")),
        "bad/blank.txt": (b"  \n\t\r\n  ", reject("empty")),
        "bad/invisible.txt": ("\u200b\u3000\u00a0\n".encode() * 50, reject("empty")),
        "bad/bom_only.txt": (codecs.BOM_UTF8 + b"\n ", reject("empty")),
        "bad/image.txt": (b"\x89PNG\r\n\x1a\n" + noise, reject("binary")),
        "bad/photo.txt": (b"\xff\xd8\xff\xe0\x00\x10JFIF" + noise, reject("binary")),
        "bad/report.txt": (b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n" + noise, reject("binary")),
        "bad/archive.txt": (zip_bytes(), reject("binary")),
        "bad/nul_heavy.txt": (b"abc\x00\x00def\x00" * 500, reject("binary")),
        "bad/huge.txt": (("A story that goes on and on. " * (LIMIT // 20)).encode(), reject("too_large")),
        "bad/bomb.txt.gz": (gzip.compress(b"a" * (LIMIT * 8)), reject("too_large")),
        "bad/broken.txt.gz": (b"\x1f\x8b\x08\x00" + noise[:100], reject("undecodable")),
        "bad/noise.txt": (bytes(rng.randrange(0x80, 0x100) for _ in range(3000)), reject("undecodable")),
        "zz_copies/en.txt": (EN.encode("utf-8"), reject("duplicate")),  # after good/en.txt, which is kept
    }


def build_hostile_folder(root: Path, outside: Path) -> dict[str, Expect]:
    """Write good, pathological and bad files (and symlinks) under ``root``; what each must become.

    ``outside`` is a folder beside ``root`` that symlinks point into and must never be read from.
    """
    files = {**good_files(), **pathological_files(), **bad_files()}
    for rel, (data, _) in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_bytes(data)
    expected = {rel: expect for rel, (_, expect) in files.items()}
    outside.mkdir(parents=True, exist_ok=True)
    (outside / "secret.txt").write_text("The private note must never be read.\n")
    links = root / "links"
    links.mkdir()
    (links / "escape.txt").symlink_to(outside / "secret.txt")
    (links / "escape_folder").symlink_to(outside, target_is_directory=True)
    (links / "dangling.txt").symlink_to(root / "missing.txt")
    (links / "loop_a.txt").symlink_to(links / "loop_b.txt")
    (links / "loop_b.txt").symlink_to(links / "loop_a.txt")
    (links / "alias_of_en.txt").symlink_to(root / "good" / "en.txt")
    expected.update({f"links/{name}": reject("error") for name in ("escape.txt", "dangling.txt", "loop_a.txt",
                                                                    "loop_b.txt")})
    expected["links/alias_of_en.txt"] = reject("duplicate")
    return expected


def path_rows(wh: Path) -> dict[str, list[dict]]:
    """source_path -> its rows in ``documents`` and ``rejects`` (each tagged with its table)."""
    found: dict[str, list[dict]] = {}
    for table in PATH_TABLES:
        for row in ds.dataset(wh / table, format="parquet", partitioning="hive").to_table().to_pylist():
            found.setdefault(row["source_path"], []).append({**row, "table": table})
    return found


def check_accounted_for(root: Path, wh: Path, expected: dict[str, Expect]) -> None:
    """Each input file is one document or one reject, as expected; good texts are intact."""
    found = path_rows(wh)
    assert set(found) == set(expected)
    config = CleanConfig(max_bytes=LIMIT)
    for rel, expect in expected.items():
        (row,) = found[rel]
        assert (row["table"], row.get("reason")) == (expect.table, expect.reason), rel
        if expect.table == "rejects":
            assert row["detail"], rel
            continue
        alone = clean_document((root / rel).read_bytes(), rel, config)
        assert row["text"] == alone.text, rel
        assert expect.sentence in row["text"], rel


def test_every_hostile_file_is_one_document_or_one_reject(prefect_harness, tmp_path):
    from flows.clean_corpus import clean_corpus

    root, outside, wh = tmp_path / "in", tmp_path / "outside", tmp_path / "wh"
    expected = build_hostile_folder(root, outside)
    totals = clean_corpus(inputs=[str(root)], warehouse=str(wh), workers=1, batch_files=5,
                          max_file_bytes=LIMIT)
    assert totals["files_seen"] == len(expected)
    check_accounted_for(root, wh, expected)
    rejects = {path: rows[0] for path, rows in path_rows(wh).items() if rows[0]["table"] == "rejects"}
    assert "outside the input root" in rejects["links/escape.txt"]["detail"]
    assert rejects["links/escape.txt"]["content_sha256"] is None
    assert "leads nowhere" in rejects["links/loop_a.txt"]["detail"]
    assert "byte limit" in rejects["bad/huge.txt"]["detail"]
    copies = {rejects[path]["duplicate_of"] for path in ("zz_copies/en.txt", "links/alias_of_en.txt")}
    assert copies == {path_rows(wh)["good/en.txt"][0]["doc_id"]}

    again = clean_corpus(inputs=[str(root)], warehouse=str(wh), workers=1, batch_files=5,
                         max_file_bytes=LIMIT)
    assert (again["unchanged"], again["documents_written"], again["rejected"]) == (len(expected), 0, 0)


def test_a_file_over_the_limit_is_hashed_not_held(tmp_path):
    root = tmp_path / "in"
    root.mkdir()
    data = b"line of text\n" * 10_000
    (root / "big.txt").write_bytes(data)
    summary = process_batch(list(walk_root(root)), {}, str(tmp_path / "staging"), "r", 0,
                            CleanConfig(max_bytes=len(data) - 1))
    assert summary.rejected_by_reason == {"too_large": 1} and summary.bytes_in == 0
    known = {"big.txt": hashlib.sha256(data).hexdigest()}
    again = process_batch(list(walk_root(root)), known, str(tmp_path / "staging"), "r", 1,
                          CleanConfig(max_bytes=len(data) - 1))
    assert again.n_unchanged == 1


def test_a_gzip_bomb_stops_at_the_limit():
    bomb = gzip.compress(b"\0" * 50_000_000)
    with pytest.raises(RejectError) as caught:
        unwrap(bomb, "bomb.txt.gz", max_bytes=1_000_000)
    assert caught.value.reason == "too_large"
    assert unwrap(gzip.compress(b"ab") + gzip.compress(b"cd"), "two_members.gz", max_bytes=4) == b"abcd"


@pytest.mark.parametrize("text", ["\u200b" * 1000, "\u3000\u00a0\n\t", "\ufeff\u2060 \n"])
def test_only_whitespace_and_invisible_characters_is_empty(text):
    with pytest.raises(RejectError) as caught:
        decode_bytes(text.encode("utf-8"))
    assert caught.value.reason == "empty"


# --- crash safety: kill -9 a real `rinse run`, run again, compare with an uninterrupted run ---------

CRASH_BATCH_FILES = 6
CONTENT_TABLES = ("documents", "paragraphs", "removed", "rejects")
RUN_COLUMNS = ("run_id", "processed_at")


def load_bench_corpus():
    path = Path(__file__).resolve().parents[1] / "benchmarks" / "corpus.py"
    spec = importlib.util.spec_from_file_location("bench_corpus_for_crash", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def crash_corpus(tmp_path_factory) -> Path:
    """Generated articles in several folders, copies of some of them, and the hostile folder."""
    base = tmp_path_factory.mktemp("crash")
    root = base / "in"
    paths = load_bench_corpus().build_corpus(root, 120, seed=6)
    for n, original in enumerate(paths[::30]):
        shutil.copy(original, root / f"copy_{n}{original.suffix}")
    build_hostile_folder(root / "hostile", base / "outside")
    return root


def table_contents(wh: Path) -> dict[str, list[str]]:
    """Every row of the content tables, without the columns that name the run, sorted."""
    contents = {}
    for table in CONTENT_TABLES:
        data = ds.dataset(wh / table, format="parquet", partitioning="hive").to_table()
        rows = data.drop_columns([c for c in RUN_COLUMNS if c in data.column_names]).to_pylist()
        contents[table] = sorted(repr(sorted(row.items())) for row in rows)
    return contents


def check_readable(wh: Path) -> None:
    """Every table reads with pyarrow.dataset and with duckdb, with the same row count."""
    for table in (*CONTENT_TABLES, "runs"):
        if not (wh / table).exists():
            continue
        n_rows = ds.dataset(wh / table, format="parquet", partitioning="hive").count_rows()
        query = f"select count(*) from read_parquet('{wh / table}/**/*.parquet', hive_partitioning = true)"
        assert duckdb.sql(query).fetchall()[0][0] == n_rows, table


def check_consistent(wh: Path) -> None:
    """One current row per source_path; no paragraphs or removed rows without their document."""
    paths = [path for path, rows in path_rows(wh).items() for _ in rows]
    assert len(paths) == len(set(paths))

    def doc_ids(table: str) -> set[str]:
        return set(ds.dataset(wh / table, format="parquet").to_table()["doc_id"].to_pylist())

    assert doc_ids("paragraphs") | doc_ids("removed") <= doc_ids("documents")


def run_flow_here(root: Path, wh: Path) -> dict:
    from flows.clean_corpus import clean_corpus

    return clean_corpus(inputs=[str(root)], warehouse=str(wh), workers=1, batch_files=CRASH_BATCH_FILES,
                        max_file_bytes=LIMIT)


@pytest.fixture(scope="module")
def uninterrupted(prefect_harness, crash_corpus, tmp_path_factory) -> dict[str, list[str]]:
    wh = tmp_path_factory.mktemp("uninterrupted") / "wh"
    run_flow_here(crash_corpus, wh)
    check_consistent(wh)
    return table_contents(wh)


def committed_batches(wh: Path) -> int:
    """Batches whose documents file the running flow has committed (schema-only placeholders aside)."""
    return len(list((wh / "documents").glob("part-*-*.parquet"))) if (wh / "documents").exists() else 0


def rinse_run_killed(root: Path, wh: Path, after_batches: int) -> None:
    """Start ``rinse run`` in its own process group and SIGKILL it once ``after_batches`` are committed."""
    from prefect.settings import get_current_settings

    env = {**os.environ, "PREFECT_API_URL": str(get_current_settings().api.url)}
    command = [sys.executable, "-m", "rinse.cli", "run", "--input", str(root), "--warehouse", str(wh),
               "--workers", "1", "--batch-files", str(CRASH_BATCH_FILES), "--max-mb", str(LIMIT / 2**20)]
    process = subprocess.Popen(command, env=env, start_new_session=True, stdout=subprocess.DEVNULL,
                               stderr=subprocess.PIPE)
    deadline = time.monotonic() + 120
    try:
        while committed_batches(wh) < after_batches and process.poll() is None:
            assert time.monotonic() < deadline, "rinse run committed too little in two minutes"
            time.sleep(0.005)
        assert process.poll() is None, f"rinse run ended before the kill: {process.stderr.read()[-2000:]!r}"
    finally:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()


@pytest.mark.parametrize("kills", [(1,), (3, 4)], ids=["at-the-first-commit", "twice-mid-run"])
def test_a_killed_run_leaves_readable_tables_and_the_next_run_finishes_the_work(
        crash_corpus, uninterrupted, tmp_path, kills):
    wh = tmp_path / "wh"
    for after in kills:  # each run resumes the work of the killed one, then is killed in turn
        rinse_run_killed(crash_corpus, wh, committed_batches(wh) + after)
        check_readable(wh)
    totals = run_flow_here(crash_corpus, wh)
    assert totals["unchanged"] > 0
    check_readable(wh)
    check_consistent(wh)
    assert table_contents(wh) == uninterrupted
