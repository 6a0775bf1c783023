"""Find and replace in files: both engines, gitignore, globs, streaming, cancellation and safe replace-all."""

from __future__ import annotations

import asyncio
import os
import shutil
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.errors import ConflictError, NotFoundError, ValidationError
from core.workspace.search import (
    FileResult,
    FileStamp,
    ResultLine,
    SearchQuery,
    SearchResults,
    apply_replace,
    find_ripgrep,
    plan_replace,
    search_workspace,
    undo_replace,
)
from tests.core.workspace.gitrepo import git_init, make_files

RG = find_ripgrep()
ENGINES = ["python", pytest.param("ripgrep", marks=pytest.mark.skipif(RG is None, reason="needs ripgrep"))]


def run_search(root: Path, query: SearchQuery, engine: str = "python", **kwargs: object) -> list[FileResult]:
    async def collect() -> list[FileResult]:
        results = SearchResults()
        async for item in search_workspace(root, query, engine=engine, **kwargs):  # type: ignore[arg-type]
            results.add(item)
        return results.files

    return asyncio.run(collect())


def summary(results: list[FileResult]) -> list[tuple[str, int, str, tuple[tuple[int, int], ...]]]:
    return [(item.path, line.number, line.text, line.spans) for item in results for line in item.lines]


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    git_init(tmp_path)
    (tmp_path / ".gitignore").write_text("build/\n*.log\n")
    make_files(tmp_path, "src/app.py", "src/util.py", "build/out.py", "debug.log", "docs/readme.md")
    (tmp_path / "src/app.py").write_text("def main():\n    return Main_value + main_total\n# main\n")
    (tmp_path / "src/util.py").write_text("domain = 'main'\r\nmainly = 1\r\n")
    (tmp_path / "build/out.py").write_text("main\n")
    (tmp_path / "debug.log").write_text("main\n")
    (tmp_path / "docs/readme.md").write_text("Run main.\n")
    (tmp_path / "blob.bin").write_bytes(b"main\x00\x01\x02")
    return tmp_path


@pytest.mark.parametrize("engine", ENGINES)
def test_literal_search_ignores_case_skips_gitignored_and_binary_files(workspace: Path, engine: str) -> None:
    found = run_search(workspace, SearchQuery("main"), engine)
    assert [item.path for item in found] == ["docs/readme.md", "src/app.py", "src/util.py"]
    app = found[1]
    assert [(line.number, line.spans) for line in app.lines] == [
        (1, ((4, 8),)),
        (2, ((11, 15), (24, 28))),
        (3, ((2, 6),)),
    ]


@pytest.mark.parametrize("engine", ENGINES)
def test_whole_word_and_case_sensitive_narrow_matches(workspace: Path, engine: str) -> None:
    found = run_search(workspace, SearchQuery("main", whole_word=True, case_sensitive=True), engine)
    assert summary(found) == [
        ("docs/readme.md", 1, "Run main.", ((4, 8),)),
        ("src/app.py", 1, "def main():", ((4, 8),)),
        ("src/app.py", 3, "# main", ((2, 6),)),
        ("src/util.py", 1, "domain = 'main'", ((10, 14),)),
    ]


@pytest.mark.parametrize("engine", ENGINES)
def test_regex_anchors_treat_crlf_as_one_line_break(workspace: Path, engine: str) -> None:
    found = run_search(workspace, SearchQuery(r"'main'$|^main\w+", regex=True), engine)
    assert summary(found) == [
        ("src/util.py", 1, "domain = 'main'", ((9, 15),)),
        ("src/util.py", 2, "mainly = 1", ((0, 6),)),
    ]


@pytest.mark.parametrize("engine", ENGINES)
def test_include_and_exclude_globs_choose_files(workspace: Path, engine: str) -> None:
    only_py = run_search(workspace, SearchQuery("main", include=("*.py",)), engine)
    assert [item.path for item in only_py] == ["src/app.py", "src/util.py"]
    no_src = run_search(workspace, SearchQuery("main", exclude=("src/",)), engine)
    assert [item.path for item in no_src] == ["docs/readme.md"]
    ignored_too = run_search(workspace, SearchQuery("main", include=("*.py",), respect_gitignore=False), engine)
    assert [item.path for item in ignored_too] == ["build/out.py", "src/app.py", "src/util.py"]


@pytest.mark.parametrize("engine", ENGINES)
def test_context_lines_surround_matches_without_spans(tmp_path: Path, engine: str) -> None:
    (tmp_path / "f.txt").write_text("".join(f"line {n}\n" for n in range(1, 11)))
    found = run_search(tmp_path, SearchQuery("line [37]$", regex=True, context=1), engine)
    assert [(line.number, line.is_match) for line in found[0].lines] == [
        (2, False),
        (3, True),
        (4, False),
        (6, False),
        (7, True),
        (8, False),
    ]


@pytest.mark.parametrize("engine", ENGINES)
def test_spans_count_characters_not_bytes(tmp_path: Path, engine: str) -> None:
    (tmp_path / "u.txt").write_text("ünïcødé → target\n", encoding="utf-8")
    found = run_search(tmp_path, SearchQuery("target"), engine)
    assert found[0].lines[0].spans == ((10, 16),)


@pytest.mark.skipif(RG is None, reason="needs ripgrep")
def test_pattern_ripgrep_cannot_run_is_searched_by_python(workspace: Path) -> None:
    query = SearchQuery(r"(?<=def )main", regex=True)
    assert summary(run_search(workspace, query, "ripgrep")) == summary(run_search(workspace, query, "python"))
    assert len(summary(run_search(workspace, query, "ripgrep"))) == 1


@pytest.mark.skipif(RG is None, reason="needs ripgrep")
def test_both_engines_choose_the_same_files_in_a_tangled_workspace(tmp_path: Path) -> None:
    root = git_init(tmp_path)
    (root / ".gitignore").write_text("*.log\n!keep.log\nout/\n/top-only.txt\n")
    (root / "lib" / ".gitignore").parent.mkdir()
    (root / "lib" / ".gitignore").write_text("generated/\n!*.keep\n")
    (root / ".git" / "info" / "exclude").write_text("secret.txt\n")
    paths = [
        "a.log", "keep.log", "out/x.txt", "top-only.txt", "sub/top-only.txt", "lib/generated/g.txt",
        "lib/z.keep", ".hidden/h.txt", ".env", "secret.txt", "node_modules/m.js", "docs/n.md", "ignore-me/q.txt",
    ]  # fmt: skip
    make_files(root, *paths, content="needle\n")
    (root / ".ignore").write_text("docs/\n")  # ripgrep's own ignore file: Symphony must not honour it
    (root / "linked").symlink_to(root / "docs")
    for query in (
        SearchQuery("needle"),
        SearchQuery("needle", exclude=("ignore-me",), include=("*.txt", "*.js", "*.md")),
        SearchQuery("needle", respect_gitignore=False),
    ):
        for exclude in ((), ("node_modules",)):
            expected = [item.path for item in run_search(root, query, "python", exclude=exclude)]
            assert [item.path for item in run_search(root, query, "ripgrep", exclude=exclude)] == expected
    assert [item.path for item in run_search(root, SearchQuery("needle"), "python")] == [
        ".env", ".hidden/h.txt", "docs/n.md", "ignore-me/q.txt", "keep.log", "lib/z.keep", "linked/n.md",
        "node_modules/m.js", "sub/top-only.txt",
    ]  # fmt: skip


def test_bad_regex_names_the_pattern_and_position(tmp_path: Path) -> None:
    with pytest.raises(ValidationError, match=r"'a\(b'.*position 1"):
        run_search(tmp_path, SearchQuery("a(b", regex=True))


def test_missing_root_is_not_found(tmp_path: Path) -> None:
    with pytest.raises(NotFoundError):
        run_search(tmp_path / "nope", SearchQuery("x"))


@pytest.mark.parametrize("engine", ENGINES)
def test_stopping_early_ends_the_search(tmp_path: Path, engine: str) -> None:
    for n in range(600):
        (tmp_path / f"f{n:03}.txt").write_text("needle\n")

    async def first_two() -> int:
        count = 0
        stream = search_workspace(tmp_path, SearchQuery("needle"), engine=engine)  # type: ignore[arg-type]
        async for _ in stream:
            count += 1
            if count == 2:
                break
        await stream.aclose()
        return count

    assert asyncio.run(first_two()) == 2
    assert not any(thread.name == "symphony-search" and thread.is_alive() for thread in _threads_after_join())


def _threads_after_join() -> list[object]:
    import threading

    for thread in threading.enumerate():
        if thread.name == "symphony-search":
            thread.join(timeout=5)
    return list(threading.enumerate())


LINE = st.text(alphabet="ab cA_\u00e9\t.", max_size=12)
PATTERNS = st.sampled_from(["a", "ab", "b c", r"a\w", r"\bab", "^a", "c$", r"[ab]+", r"A\.", r"\s", "é"])


@pytest.mark.skipif(RG is None, reason="needs ripgrep")
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    files=st.lists(st.lists(LINE, max_size=6), min_size=1, max_size=3),
    pattern=PATTERNS,
    regex=st.booleans(),
    case_sensitive=st.booleans(),
    whole_word=st.booleans(),
    crlf=st.booleans(),
    context=st.integers(0, 2),
)
def test_ripgrep_and_python_engines_agree(
    tmp_path_factory: pytest.TempPathFactory,
    files: list[list[str]],
    pattern: str,
    regex: bool,
    case_sensitive: bool,
    whole_word: bool,
    crlf: bool,
    context: int,
) -> None:
    root = tmp_path_factory.mktemp("agree")
    for index, lines in enumerate(files):
        (root / f"f{index}.txt").write_bytes(("\r\n" if crlf else "\n").join(lines).encode("utf-8"))
    query = SearchQuery(pattern, regex=regex, case_sensitive=case_sensitive, whole_word=whole_word, context=context)
    assert summary(run_search(root, query, "ripgrep")) == summary(run_search(root, query, "python"))
    shutil.rmtree(root)


def test_replace_all_previews_every_change_then_applies_and_undoes(workspace: Path) -> None:
    query = SearchQuery(r"main_(\w+)", regex=True)
    plan = plan_replace(workspace, query, r"primary_\1", run_search(workspace, query))
    assert plan.conflicts == ()
    assert [(item.path, [(c.number, c.before, c.after) for c in item.changes]) for item in plan.files] == [
        ("src/app.py", [(2, "    return Main_value + main_total", "    return primary_value + primary_total")]),
    ]
    outcome = apply_replace(plan)
    assert (workspace / "src/app.py").read_text() == "def main():\n    return primary_value + primary_total\n# main\n"
    assert undo_replace(outcome) == ()
    assert (workspace / "src/app.py").read_text() == "def main():\n    return Main_value + main_total\n# main\n"


def test_literal_replacement_keeps_backslashes_and_crlf(workspace: Path) -> None:
    query = SearchQuery("'main'")
    outcome = apply_replace(plan_replace(workspace, query, r"'C:\new'", run_search(workspace, query)))
    assert len(outcome.applied) == 1
    assert (workspace / "src/util.py").read_bytes() == b"domain = 'C:\\new'\r\nmainly = 1\r\n"


def test_replace_refuses_a_file_changed_on_disk_since_the_search(workspace: Path) -> None:
    query = SearchQuery("main")
    results = run_search(workspace, query)
    changed = workspace / "src/app.py"
    changed.write_text("def main():  # edited elsewhere\n")
    os.utime(changed, ns=(1, 1))
    plan = plan_replace(workspace, query, "entry", results)
    assert [item.path for item in plan.files] == ["docs/readme.md", "src/util.py"]
    assert len(plan.conflicts) == 1
    assert isinstance(plan.conflicts[0], ConflictError)
    assert "src/app.py changed on disk since the search" in plan.conflicts[0].message
    apply_replace(plan)
    assert changed.read_text() == "def main():  # edited elsewhere\n"
    assert (workspace / "docs/readme.md").read_text() == "Run entry.\n"


def test_replace_refuses_a_file_changed_between_plan_and_apply(workspace: Path) -> None:
    query = SearchQuery("main")
    plan = plan_replace(workspace, query, "entry", run_search(workspace, query))
    (workspace / "docs/readme.md").write_text("Run main, edited.\n")
    outcome = apply_replace(plan)
    assert [err.data["path"] for err in outcome.conflicts] == [str(workspace / "docs/readme.md")]
    assert (workspace / "docs/readme.md").read_text() == "Run main, edited.\n"


def test_undo_leaves_files_edited_after_the_replace(workspace: Path) -> None:
    query = SearchQuery("Run")
    outcome = apply_replace(plan_replace(workspace, query, "Start", run_search(workspace, query)))
    (workspace / "docs/readme.md").write_text("Start main, then more.\n")
    refused = undo_replace(outcome)
    assert len(refused) == 1 and isinstance(refused[0], ConflictError)
    assert (workspace / "docs/readme.md").read_text() == "Start main, then more.\n"


def test_bad_replacement_group_is_a_validation_error(workspace: Path) -> None:
    query = SearchQuery("(main)", regex=True)
    with pytest.raises(ValidationError, match="replacement"):
        plan_replace(workspace, query, r"\2", [])


def test_results_model_keeps_files_in_path_order_and_totals_matches() -> None:
    stamp = FileStamp(size=1, mtime_ns=1, inode=1)
    line = ResultLine(1, "a a", ((0, 1), (2, 3)))
    results = SearchResults()
    assert results.add(FileResult("b.txt", (line,), stamp)) == 0
    assert results.add(FileResult("a.txt", (line, ResultLine(2, "ctx")), stamp)) == 0
    assert results.add(FileResult("c/d.txt", (line,), stamp)) == 2
    assert [item.path for item in results.files] == ["a.txt", "b.txt", "c/d.txt"]
    assert (results.file_count, results.match_count) == (3, 6)
    assert repr(results) == "SearchResults(3 files, 6 matches)"
