"""Fuzzy ranking: rank_paths / FuzzyIndex over 20,000 generated project paths vs plain rapidfuzz WRatio.

The baseline is what one would write first: ``rapidfuzz.process.extract(query, paths, scorer=WRatio)``,
all in C, with no in-order rule, no highlight positions and no file-name preference. The ratio is baseline
time over FuzzyIndex time per query (above 1.00 means faster than the baseline). Medians over the queries.
"""

from __future__ import annotations

import argparse
import random
import statistics
import time

from rapidfuzz import fuzz, process

from core.workspace.fuzzy import FuzzyIndex, rank_paths

WORDS = [
    *("core", "workspace", "tree", "listing", "fuzzy", "src", "lib", "tests", "utils", "config", "main", "app"),
    *("widgets", "editor", "model", "view", "index", "handler", "server", "client", "api", "docs", "terminal"),
]
QUERIES = ["a", "tr", "main", "cwt", "wstree", "editorview", "srcutilsconfig", "zq"]


def make_paths(count: int, seed: int = 11) -> list[str]:
    rng = random.Random(seed)
    paths = []
    for index in range(count):
        folders = [rng.choice(WORDS) for _ in range(rng.randint(1, 5))]
        name = f"{rng.choice(WORDS)}_{index % 97}.{rng.choice(['py', 'ts', 'md', 'rs'])}"
        paths.append("/".join([*folders, name]))
    return paths


def per_query_ms(run: object, queries: list[str]) -> list[float]:
    timings = []
    for query in queries:
        started = time.perf_counter()
        run(query)  # type: ignore[operator]
        timings.append((time.perf_counter() - started) * 1000)
    return timings


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--paths", type=int, default=20_000)
    args = parser.parse_args()
    paths = make_paths(args.paths)
    index = FuzzyIndex(paths)
    index.rank("warm-up")
    ours = per_query_ms(lambda q: index.rank(q, limit=50), QUERIES)
    one_shot = per_query_ms(lambda q: rank_paths(q, paths, limit=50), QUERIES)
    baseline = per_query_ms(lambda q: process.extract(q, paths, scorer=fuzz.WRatio, limit=50), QUERIES)
    print(f"paths: {len(paths)} paths")
    for query, ms in zip(QUERIES, ours, strict=True):
        print(f"index_query_{query}: {ms:.2f} ms")
    print(f"index_median: {statistics.median(ours):.2f} ms")
    print(f"index_worst: {max(ours):.2f} ms")
    print(f"rank_paths_median: {statistics.median(one_shot):.2f} ms")
    print(f"rapidfuzz_wratio_median: {statistics.median(baseline):.2f} ms")
    print(f"ratio: {statistics.median(baseline) / statistics.median(ours):.2f}")


if __name__ == "__main__":
    main()
