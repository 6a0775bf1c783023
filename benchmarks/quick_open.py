"""Quick open (ctrl+p) ranking per keystroke over 100,000 generated paths.

Four queries are typed one character at a time (20 prefixes in all); each keystroke ranks the whole list with
``FuzzyIndex.rank`` (limit 50, with a recency list), as the picker does. Every prefix is timed several times;
the goal is ``p99_ms`` at or under 30 ms.
"""

from __future__ import annotations

import argparse
import statistics
import time

from benchmarks.fuzzy_rank import make_paths
from core.workspace.fuzzy import FuzzyIndex

TYPED = ["wstree", "editorv", "main", "cfg"]
"""Typed character by character: 6 + 7 + 4 + 3 = 20 query prefixes."""


def prefixes() -> list[str]:
    return [word[:end] for word in TYPED for end in range(1, len(word) + 1)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--paths", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=5)
    options = parser.parse_args()
    paths = make_paths(options.paths)
    recent = paths[:: max(1, len(paths) // 20)][:20]
    started = time.perf_counter()
    index = FuzzyIndex(paths)
    index.rank("warm-up", recent=recent)
    prepare_ms = (time.perf_counter() - started) * 1000
    timings: list[float] = []
    for _ in range(options.repeat):
        for query in prefixes():
            start = time.perf_counter()
            index.rank(query, limit=50, recent=recent)
            timings.append((time.perf_counter() - start) * 1000)
    timings.sort()
    p99 = timings[min(len(timings) - 1, round(0.99 * (len(timings) - 1)))]
    print(f"paths: {len(paths)} paths")
    print(f"prefixes: {len(prefixes())} queries x {options.repeat}")
    print(f"prepare_ms: {prepare_ms:.1f} ms")
    print(f"p50_ms: {statistics.median(timings):.2f} ms")
    print(f"p99_ms: {p99:.2f} ms")


if __name__ == "__main__":
    main()
