"""The synthetic benchmark corpus: deterministic, decodable with the encoding its name states."""

from __future__ import annotations

import doctest
import gzip
import importlib.util
import sys
from pathlib import Path

import ftfy

CORPUS_PY = Path(__file__).resolve().parents[1] / "benchmarks" / "corpus.py"


def load_corpus_module():
    spec = importlib.util.spec_from_file_location("bench_corpus", CORPUS_PY)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


corpus = load_corpus_module()


def decoded(path: Path) -> str:
    """Text of a corpus file, decoded with the encoding in its name (``NNNNN_LANG_ENC.ext[.gz]``)."""
    data = path.read_bytes()
    if path.suffix == ".gz":
        data = gzip.decompress(data)
    encoding = path.name.split("_")[2].split(".")[0]
    return data.decode("utf-8" if encoding == "mojibake" else encoding)


def test_ten_files_decode_and_carry_their_language(tmp_path):
    paths = corpus.build_corpus(tmp_path, 10, seed=3)
    assert len(paths) == 10
    for path in paths:
        text = decoded(path)
        if "_mojibake" in path.name:
            text = ftfy.fix_encoding(text)
        language = path.name.split("_")[1]
        if language == "en":
            assert " the " in text or " The " in text
        else:
            assert "。" in text


def test_same_seed_same_bytes(tmp_path):
    first = corpus.build_corpus(tmp_path / "a", 10, seed=7)
    second = corpus.build_corpus(tmp_path / "b", 10, seed=7)
    assert [p.read_bytes() for p in first] == [p.read_bytes() for p in second]


def test_every_encoding_round_trips():
    rng = corpus.random.Random(0)
    for language, encodings in corpus.LEGACY.items():
        for encoding in (*encodings, "utf-8", "mojibake"):
            plan = corpus.Plan(language, "text", encoding, gzipped=False)
            data = corpus.render_file(rng, plan)
            text = data.decode("utf-8" if encoding == "mojibake" else encoding)
            assert ("Ã" in text or "å" in text or "ä" in text) == (encoding == "mojibake")


def test_mojibake_is_what_ftfy_repairs():
    original = "　　市政府週二宣布道路維修預算，當局強調安全是首要考慮。“It's a first step,” she said."
    assert ftfy.fix_encoding(corpus.as_mojibake(original)) == original


def test_doctests():
    assert doctest.testmod(corpus).failed == 0
