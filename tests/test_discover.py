import random
from pathlib import Path

from tasks.discover import BATCHES_PER_WORKER, FileRef, balanced_batch_bytes, batches, discover, walk_root


def rel_paths(root: Path) -> list[str]:
    return [ref.rel_path for ref in walk_root(root)]


def test_walk_is_sorted_recursive_and_skips_hidden(tmp_path: Path) -> None:
    (tmp_path / "b").mkdir()
    (tmp_path / ".git").mkdir()
    (tmp_path / "b" / "2.txt").write_text("x")
    (tmp_path / "a.html").write_text("<p>x</p>")
    (tmp_path / "c.txt.gz").write_bytes(b"\x1f\x8b")
    (tmp_path / ".DS_Store").write_bytes(b"\0")
    (tmp_path / ".git" / "config").write_text("x")
    assert rel_paths(tmp_path) == ["a.html", "b/2.txt", "c.txt.gz"]


def test_refs_carry_size_and_absolute_path(tmp_path: Path) -> None:
    (tmp_path / "news.txt").write_text("四个字节", encoding="utf-8")
    (ref,) = walk_root(tmp_path)
    assert ref.size == 12 and Path(ref.path) == (tmp_path / "news.txt").resolve() and ref.refused is None


def test_a_relative_root_or_a_trailing_slash_gives_the_same_refs(tmp_path: Path, monkeypatch) -> None:
    (tmp_path / "in" / "zh").mkdir(parents=True)
    (tmp_path / "in" / "zh" / "a.txt").write_text("a")
    (tmp_path / "in" / "b.txt").write_text("bb")
    monkeypatch.chdir(tmp_path)
    expected = list(walk_root(tmp_path / "in"))
    assert [(r.rel_path, r.size) for r in expected] == [("b.txt", 2), ("zh/a.txt", 1)]
    assert list(walk_root("in")) == list(walk_root(f"{tmp_path}/in/")) == expected


def test_symlink_outside_root_is_refused_not_read(tmp_path: Path) -> None:
    root, outside = tmp_path / "root", tmp_path / "secret.txt"
    root.mkdir()
    outside.write_text("not for rinse")
    (root / "inside.txt").write_text("story")
    (root / "escape.txt").symlink_to(outside)
    (root / "alias.txt").symlink_to(root / "inside.txt")
    refs = {ref.rel_path: ref for ref in walk_root(root)}
    assert refs["escape.txt"].refused and "outside the input root" in refs["escape.txt"].refused
    assert refs["alias.txt"].refused is None and refs["alias.txt"].size == len("story")


def test_symlinked_folders_are_not_followed(tmp_path: Path) -> None:
    (tmp_path / "real").mkdir()
    (tmp_path / "real" / "a.txt").write_text("a")
    (tmp_path / "loop").symlink_to(tmp_path)
    assert rel_paths(tmp_path) == ["real/a.txt"]


def test_same_source_path_under_two_roots_is_taken_once(tmp_path: Path) -> None:
    for name in ("one", "two"):
        (tmp_path / name).mkdir()
        (tmp_path / name / "story.txt").write_text(name)
    refs = list(discover([tmp_path / "one", tmp_path / "two"]))
    assert [Path(r.root).name for r in refs] == ["one"]


def refs_of(sizes: list[int]) -> list[FileRef]:
    return [FileRef("r", f"{i}.txt", f"/r/{i}.txt", size) for i, size in enumerate(sizes)]


def test_batches_close_on_bytes_and_on_file_count() -> None:
    assert [len(b) for b in batches(refs_of([40, 40, 40]), max_bytes=100)] == [2, 1]
    assert [len(b) for b in batches(refs_of([1] * 5), max_files=2)] == [2, 2, 1]


def test_a_file_bigger_than_a_batch_gets_its_own_batch() -> None:
    assert [len(b) for b in batches(refs_of([5, 500, 5]), max_bytes=100)] == [1, 1, 1]


def test_batches_keep_order_and_lose_nothing() -> None:
    refs = refs_of([7] * 23)
    assert [r for b in batches(refs, max_bytes=50) for r in b] == refs


def test_skipped_folders_are_not_entered(tmp_path: Path) -> None:
    (tmp_path / "warehouse" / "documents").mkdir(parents=True)
    (tmp_path / "warehouse" / "documents" / "part-1.parquet").write_bytes(b"PAR1")
    (tmp_path / "story.txt").write_text("x")
    assert [r.rel_path for r in discover([tmp_path], skip=[tmp_path / "warehouse"])] == ["story.txt"]


def test_balanced_batches_are_as_many_as_planned_and_of_even_size() -> None:
    sizes = [random.Random(i).randint(1_000, 12_000) for i in range(5_000)]  # news articles, ~30 MB
    refs = [FileRef("r", str(i), str(i), size) for i, size in enumerate(sizes)]
    for workers in (2, 3):
        made = [sum(r.size for r in batch)
                for batch in batches(refs, balanced_batch_bytes(sum(sizes), len(refs), workers))]
        assert len(made) == workers * BATCHES_PER_WORKER  # no small batch of the files left over
        assert min(made) > 0.95 * max(made)
