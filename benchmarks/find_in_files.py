"""Find in files over a generated corpus (20,000 files, 200 MB): Symphony's search vs plain `rg`, same run.

``symphony_s`` runs ``search_workspace`` (ripgrep engine) until the last result is in a ``SearchResults``
panel model; ``rg_s`` runs ``rg -n PATTERN`` over the same folder with its output captured; ``fallback_s``
is the pure-Python engine. Best of several interleaved runs after a warm-up (the corpus is in the page cache for all).
The last line is symphony_s / rg_s.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import subprocess
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from core.workspace.search import SearchQuery, SearchResults, find_ripgrep, search_workspace

PATTERN = r"needle_\d+\(\w+\)"
WORDS = [
    "alpha",
    "beta",
    "gamma",
    "delta",
    "value",
    "items",
    "path",
    "count",
    "total",
    "scale",
    "return",
    "import",
    "config",
    "result",
]


def make_corpus(root: Path, files: int, megabytes: int, seed: int = 5) -> int:
    """``files`` text files totalling about ``megabytes`` MB; roughly one line in 2,000 matches PATTERN."""
    rng = random.Random(seed)
    per_file = megabytes * 1_000_000 // files
    lines = []
    for number in range(4000):
        words = " ".join(rng.choice(WORDS) for _ in range(rng.randint(4, 10)))
        lines.append(f"    {words} = compute_{number}({rng.choice(WORDS)}, {number})\n")
    block = "".join(lines)
    matches = 0
    for index in range(files):
        folder = root / f"pkg{index // 1000}" / f"mod{(index // 100) % 10}"
        folder.mkdir(parents=True, exist_ok=True)
        start = rng.randrange(len(block) - per_file - 1)
        start = block.index("\n", start) + 1
        body = block[start : start + per_file]
        if index % 3 == 0:
            body += f"    result = needle_{index}({rng.choice(WORDS)})\n"
            matches += 1
        (folder / f"file_{index}.py").write_text(body, encoding="utf-8")
    return matches


def best_interleaved(actions: list[Callable[[], object]], runs: int) -> list[float]:
    """Best time of each action, taking turns so that a busy moment of the machine hits them alike."""
    best = [float("inf")] * len(actions)
    for _ in range(runs):
        for index, action in enumerate(actions):
            start = time.perf_counter()
            action()
            best[index] = min(best[index], time.perf_counter() - start)
    return best


async def collect(root: Path, query: SearchQuery, engine: str) -> SearchResults:
    results = SearchResults()
    async for item in search_workspace(root, query, engine=engine):  # type: ignore[arg-type]
        results.add(item)
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--files", type=int, default=20_000)
    parser.add_argument("--megabytes", type=int, default=200)
    parser.add_argument("--runs", type=int, default=5)
    options = parser.parse_args()
    rg = find_ripgrep()
    if rg is None:
        raise SystemExit("ripgrep is not installed (pip install ripgrep): nothing to compare against")
    with tempfile.TemporaryDirectory(prefix="symphony-find-bench-") as folder:
        root = Path(folder)
        planted = make_corpus(root, options.files, options.megabytes)
        query = SearchQuery(PATTERN, regex=True, case_sensitive=True)
        found = asyncio.run(collect(root, query, "ripgrep"))
        assert found.match_count == planted, (found.match_count, planted)
        fallback = asyncio.run(collect(root, query, "python"))
        assert [item.path for item in fallback.files] == [item.path for item in found.files]
        print(f"corpus: {options.files} files, {options.megabytes} MB, {planted} matches")

        def plain_rg() -> None:
            subprocess.run([rg, "--no-config", "-n", "-e", PATTERN, "."], cwd=root, capture_output=True, check=True)

        plain_rg()
        rg_s, symphony_s = best_interleaved(
            [plain_rg, lambda: asyncio.run(collect(root, query, "ripgrep"))], options.runs
        )
        (fallback_s,) = best_interleaved([lambda: asyncio.run(collect(root, query, "python"))], 1)
        print(f"rg_s: {rg_s:.3f} s")
        print(f"fallback_s: {fallback_s:.3f} s")
        print(f"symphony_s: {symphony_s:.3f} s")
        print(f"ratio: {symphony_s / rg_s:.2f}")


if __name__ == "__main__":
    main()
