"""File listing: iter_workspace_files over a generated 20,000-file tree vs a bare os.walk of the same tree.

The tree looks like a real project: nested packages, a root and a nested .gitignore, ignored build output and
an excluded node_modules. os.walk lists everything and applies no rules, so the ratio (ours / os.walk, in
files per second of tree walked) shows what ignore handling and sorting cost. Best of several runs.
"""

from __future__ import annotations

import argparse
import os
import shutil
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from core.workspace.listing import iter_workspace_files, iter_workspace_relpaths

EXCLUDE = ["node_modules", "*.pyc", "__pycache__"]


def make_tree(root: Path, files: int) -> int:
    """Create about ``files`` files; returns the exact number created (all kinds, ignored ones included)."""
    created = 0
    per_folder = 40
    (root / ".gitignore").write_text("build/\n*.log\n/dist\n.cache/\n")
    folder_index = 0
    while created < files:
        top, mid = divmod(folder_index, 8)
        folder = root / "src" / f"pkg{top}" / f"sub{mid}"
        folder.mkdir(parents=True, exist_ok=True)
        if mid == 0:
            (folder.parent / ".gitignore").write_text("generated_*.py\n!generated_keep.py\n")
        for index in range(min(per_folder, files - created)):
            kind = index % 10
            name = {0: f"generated_{index}.py", 1: f"trace_{index}.log", 2: f"mod_{index}.pyc"}.get(kind)
            (folder / (name or f"module_{index}.py")).write_text("x = 1\n")
            created += 1
        folder_index += 1
        if folder_index % 25 == 0 and created < files:
            for extra in ("build", "node_modules/lib"):
                target = root / "src" / f"pkg{top}" / extra
                target.mkdir(parents=True, exist_ok=True)
                for index in range(min(20, files - created)):
                    (target / f"artifact_{index}.js").write_text("x\n")
                    created += 1
    return created


def best_time(run: Callable[[], int], repeats: int) -> tuple[float, int]:
    """Fastest of ``repeats`` runs and the count it returned."""
    best, count = float("inf"), 0
    for _ in range(repeats):
        started = time.perf_counter()
        count = run()
        best = min(best, time.perf_counter() - started)
    return best, count


def walk_baseline(root: Path) -> int:
    return sum(len(names) for _, _, names in os.walk(root))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--files", type=int, default=20_000, help="size of the generated tree")
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    scratch = Path(tempfile.mkdtemp(prefix="symphony-listing-bench-"))
    try:
        total = make_tree(scratch, args.files)
        walk_s, _ = best_time(lambda: walk_baseline(scratch), args.repeats)
        ours_s, listed = best_time(lambda: sum(1 for _ in iter_workspace_files(scratch, EXCLUDE)), args.repeats)
        strs_s, _ = best_time(lambda: sum(1 for _ in iter_workspace_relpaths(scratch, EXCLUDE)), args.repeats)
        print(f"tree_files: {total} files")
        print(f"listed_files: {listed} files")
        print(f"os_walk: {total / walk_s:,.0f} files/s")
        print(f"iter_workspace_relpaths: {total / strs_s:,.0f} files/s")
        print(f"iter_workspace_files: {total / ours_s:,.0f} files/s")
        print(f"iter_workspace_files_time: {ours_s * 1000:.1f} ms")
        print(f"ratio: {walk_s / ours_s:.2f}")
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    main()
