"""Git status of a generated 20,000-file repository with 500 changes: Symphony vs `git status --porcelain`.

Also measures what decided git CLI vs pygit2 for ``core.workspace.git`` (pygit2 lines are printed only when
pygit2 is installed): status, reading a staged file, blaming one line, and the longest stall of the main
thread while status runs in a worker thread (what the UI loop would feel). Medians of several runs; the last
line is Symphony's status time over the plain ``git status --porcelain`` time measured in the same run.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import subprocess
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path

from core.workspace.git import GitRepository

_ENV = {**os.environ, "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1"}


def git(root: Path, *args: str) -> None:
    subprocess.run(
        ["git", "-c", "init.defaultBranch=main", "-c", "user.name=Bench", "-c", "user.email=b@example.com", *args],
        cwd=root,
        check=True,
        env=_ENV,
        stdout=subprocess.DEVNULL,
    )


def make_repo(root: Path, files: int, changes: int) -> None:
    """``files`` committed files in nested folders, then ``changes`` of them modified, deleted or new."""
    git(root, "init", "-q")
    for index in range(files):
        folder = root / f"pkg{index // 1000}" / f"mod{(index // 50) % 20}"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"file_{index}.py").write_text(f"VALUE_{index} = {index}\n" * 8)
    (root / ".gitignore").write_text("*.tmp\n")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "generated")
    step = files // changes
    for number, index in enumerate(range(0, files, step)[:changes]):
        path = root / f"pkg{index // 1000}" / f"mod{(index // 50) % 20}" / f"file_{index}.py"
        if number % 5 == 0:
            path.unlink()
        elif number % 5 == 1:
            path.with_name(f"new_{index}.py").write_text("NEW = 1\n")
        else:
            with path.open("a") as handle:
                handle.write("CHANGED = True\n")


def median_ms(action: Callable[[], object], runs: int) -> float:
    action()  # warm the page cache and git's index stat data
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


def loop_stall_ms(action: Callable[[], object], runs: int) -> float:
    """The longest the main thread waits for the GIL while ``action`` runs ``runs`` times in a worker thread."""
    done = threading.Event()

    def work() -> None:
        for _ in range(runs):
            action()
        done.set()

    worker = threading.Thread(target=work)
    worker.start()
    longest = 0.0
    last = time.perf_counter()
    while not done.is_set():
        time.sleep(0.001)
        now = time.perf_counter()
        longest, last = max(longest, now - last), now
    worker.join()
    return longest * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--files", type=int, default=20_000)
    parser.add_argument("--changes", type=int, default=500)
    parser.add_argument("--runs", type=int, default=7)
    options = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="symphony-git-bench-") as folder:
        root = Path(folder)
        make_repo(root, options.files, options.changes)
        repo = asyncio.run(GitRepository.open(root))
        assert repo is not None
        target = "pkg0/mod0/file_1.py"

        def plain_status() -> None:
            subprocess.run(["git", "status", "--porcelain"], cwd=root, env=_ENV, check=True, capture_output=True)

        status = asyncio.run(repo.status())
        print(f"changes: {len(status.entries)} paths")
        baseline = median_ms(plain_status, options.runs)
        ours = median_ms(lambda: asyncio.run(repo.status()), options.runs)
        print(f"git_porcelain_ms: {baseline:.1f} ms")
        print(
            f"index_blob_cli_ms: {median_ms(lambda: asyncio.run(repo._blob_text(':' + target)), options.runs):.2f} ms"
        )
        print(f"blame_cli_ms: {median_ms(lambda: asyncio.run(repo.blame_line(target, 3)), options.runs):.2f} ms")
        print(f"cli_status_loop_stall_ms: {loop_stall_ms(lambda: asyncio.run(repo.status()), options.runs):.1f} ms")
        try:
            import pygit2
        except ImportError:
            print("pygit2: not installed")
        else:
            handle = pygit2.Repository(str(root))
            print(f"pygit2_status_ms: {median_ms(handle.status, options.runs):.1f} ms")
            print(f"pygit2_status_loop_stall_ms: {loop_stall_ms(handle.status, options.runs):.1f} ms")

            def pygit2_blob() -> bytes:
                handle.index.read()
                return bytes(handle[handle.index[target].id].data)

            print(f"index_blob_pygit2_ms: {median_ms(pygit2_blob, options.runs):.2f} ms")
            blame = median_ms(lambda: list(handle.blame(target, min_line=4, max_line=4)), options.runs)
            print(f"blame_pygit2_ms: {blame:.2f} ms")
        print(f"status_ms: {ours:.1f} ms")
        print(f"ratio: {ours / baseline:.2f}")


if __name__ == "__main__":
    main()
