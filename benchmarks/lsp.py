"""LSP completion latency: keystroke to a ranked popup list, against an instant 500-item pygls server.

Each simulated keystroke inserts one character through ``LanguageServerClient.change`` (an incremental
didChange), requests completion at the new cursor and ranks the answer client-side with ``CompletionFilter``
for the typed word: everything the core does before the popup widget paints. The server prints its own time
per request (dispatch to response written); the client overhead is the rest (encoding, pipes, decoding 500
items into lsprotocol types, stale checks, ranking). Painting belongs to the UI issue and is not included.

Prints ``completion_p50_ms``, ``completion_p99_ms``, ``server_p50_ms``, ``client_overhead_p50_ms``,
``client_overhead_p99_ms`` and last ``ratio`` = client overhead p50 / server time p50. Goal: overhead p99 <= 10 ms.
"""

from __future__ import annotations

import argparse
import asyncio
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

from core.lsp.client import LanguageServerClient
from core.lsp.completion import CompletionFilter
from core.lsp.diagnostics import DiagnosticStore
from core.lsp.events import EventEmitter
from core.lsp.settings import LspSettings, ServerSpec
from core.types.text import Position, Range, TextEdit

SERVER = Path(__file__).with_name("_lsp_completion_server.py")
URI = "file:///bench/module.py"
WORD = "symbol_1"


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


async def run(keystrokes: int, items: int, warmup: int) -> tuple[list[float], list[float], int]:
    with tempfile.TemporaryDirectory() as scratch:
        root = Path(scratch)
        argv = [sys.executable, str(SERVER), str(items)]
        emitter = EventEmitter()
        client = LanguageServerClient(
            "bench",
            ServerSpec(command=argv, languages=["python"]),
            argv,
            root=root,
            settings=LspSettings(),
            events=emitter,
            diagnostics=DiagnosticStore(emitter),
            log_path=root / "bench.log",
        )
        await client.start()
        try:
            await client.open(URI, "python", 1, "import module\n\n")
            totals: list[float] = []
            last_count = 0
            line, column, version = 2, 0, 1
            for index in range(warmup + keystrokes):
                char = WORD[index % len(WORD)]
                if index % len(WORD) == 0 and index:
                    # Start a new line so the typed word stays short, as in real typing.
                    version += 1
                    await client.change(
                        URI, version, [TextEdit(range=Range.of(line, column, line, column), new_text="\n")]
                    )
                    line, column = line + 1, 0
                started = time.perf_counter()
                version += 1
                edit = TextEdit(range=Range.of(line, column, line, column), new_text=char)
                await client.change(URI, version, [edit])
                column += 1
                answer = await client.completion(URI, Position(line=line, column=column))
                typed = WORD[: (index % len(WORD)) + 1]
                ranked = CompletionFilter(answer.items).rank(typed, limit=100)
                elapsed = (time.perf_counter() - started) * 1000
                last_count = len(answer.items)
                if index >= warmup:
                    totals.append(elapsed)
                assert ranked or typed, "ranking returned nothing"
        finally:
            await client.stop()
        server_times = [float(m) for m in re.findall(r"server_ms: ([0-9.]+)", (root / "bench.log").read_text())]
    return totals, server_times[warmup:], last_count


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--keystrokes", type=int, default=400)
    parser.add_argument("--items", type=int, default=500)
    parser.add_argument("--warmup", type=int, default=30)
    args = parser.parse_args()
    totals, server, count = asyncio.run(run(args.keystrokes, args.items, args.warmup))
    if len(server) != len(totals):
        raise SystemExit(f"server reported {len(server)} timings for {len(totals)} requests")
    overhead = [total - spent for total, spent in zip(totals, server, strict=True)]
    server_p50 = statistics.median(server)
    print(f"items: {count} items")
    print(f"keystrokes: {len(totals)} keystrokes")
    print(f"completion_p50_ms: {statistics.median(totals):.2f} ms")
    print(f"completion_p99_ms: {percentile(totals, 0.99):.2f} ms")
    print(f"server_p50_ms: {server_p50:.2f} ms")
    print(f"server_p99_ms: {percentile(server, 0.99):.2f} ms")
    print(f"client_overhead_p50_ms: {statistics.median(overhead):.2f} ms")
    print(f"client_overhead_p99_ms: {percentile(overhead, 0.99):.2f} ms")
    print(f"ratio: {statistics.median(overhead) / server_p50:.2f}")


if __name__ == "__main__":
    main()
