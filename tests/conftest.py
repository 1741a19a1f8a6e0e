"""Shared fixtures: one Prefect test server per session, and small corpora written by the tests."""

from __future__ import annotations

import gc
import os
from pathlib import Path

import pytest

os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
os.environ.setdefault("DO_NOT_TRACK", "1")

ARTICLE_EN = (
    "Night buses return to the east side\n"
    "\n"
    "The transit authority will restore three night bus routes on the east side from Monday, "
    "ending a two-year gap in late service.\n"
    "\n"
    "Riders had petitioned for the routes after the last train was moved to 11pm.\n"
)
ARTICLE_ZH = (
    "图书馆周末延长开放时间\n"
    "\n"
    "　　市图书馆宣布，自下周起周六和周日的闭馆时间推迟到晚上九点，方便学生和上班族借阅。\n"
    "\n"
    "　　馆方表示，延长开放期间将增加自助借还设备。\n"
)
ARTICLE_HANT = (
    "港島電車增設深夜班次\n"
    "\n"
    "　　電車公司表示，由下月起逢週五及週六增設深夜班次，方便市民夜歸。\n"
)


@pytest.fixture(scope="session")
def prefect_harness():
    """A temporary Prefect server for the whole session (it takes a few seconds to start)."""
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness():
        yield


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    """A small input folder: English, simplified and traditional Chinese, an empty file, a hidden one."""
    root = tmp_path / "input"
    (root / "zh").mkdir(parents=True)
    (root / "en_buses.txt").write_text(ARTICLE_EN, encoding="utf-8")
    (root / "zh" / "library.txt").write_bytes(ARTICLE_ZH.encode("gb18030"))
    (root / "zh" / "tram.txt").write_bytes(ARTICLE_HANT.encode("big5"))
    (root / "empty.txt").write_bytes(b"")
    (root / ".hidden.txt").write_text("not input\n", encoding="utf-8")
    return root


@pytest.fixture(autouse=True)
def unfrozen_gc():
    """``rinse run`` freezes what its process holds (to clean, or to exit): a test that ran it in
    this process leaves the test process as it was, so its objects are collected again."""
    yield
    gc.unfreeze()
