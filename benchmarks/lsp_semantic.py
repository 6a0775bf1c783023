"""Semantic tokens after an edit of a big file: whole answer vs. delta vs. the lines in view.

A pygls server (``tests/symphony_tui/lsp/features_server.py``: two tokens per line, full, full/delta and range)
holds a LINES-line Python file. After each one-line edit the client asks again, the three ways Symphony can, and
turns the answer into what the editor paints (decode in code points + ``by_line``): ``full`` (the whole array
again), ``delta`` (the edits against the previous answer, applied client-side) and ``range`` (the 45 lines in
view plus the controller's margin, what Symphony asks of big files when the server offers it).

Prints per mode ``{mode}_wall_p50_ms`` (request to painted-ready tokens) and ``{mode}_cpu_p50_ms`` (this
process's thread CPU over the same span: the client's own work, free of the server's time and of other
processes on a busy machine), then ``ratio`` = full CPU p50 / range CPU p50.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
from pathlib import Path

from core.lsp.features import SemanticTokensData
from core.lsp.manager import LanguageServerManager
from core.lsp.settings import LspSettings, ServerSpec
from core.types.text import Range, TextEdit
from symphony_tui.lsp.semantic import RANGE_MARGIN, by_line

SERVER = Path(__file__).parents[1] / "tests" / "symphony_tui" / "lsp" / "features_server.py"
VIEW = 45


async def measure(lines: int, rounds: int) -> dict[str, list[tuple[float, float]]]:
    root = Path(tempfile.mkdtemp(prefix="lsp-semantic-"))
    spec = ServerSpec(command=["python", str(SERVER)], languages=["python"])  # "python": this interpreter
    manager = LanguageServerManager(
        LspSettings(servers={"features": spec}, request_timeout=60), root, log_dir=root / "logs", which=lambda _: None
    )
    text = "".join(f"value_{n} = Klass{n}(old_f)\n" for n in range(lines))
    results: dict[str, list[tuple[float, float]]] = {"full": [], "delta": [], "range": []}
    try:
        uri = await manager.open(root / "big.py", "python", 1, text)
        server = await manager.ready(uri, 30)
        assert server is not None and server.semantic_tokens_delta_offered() and server.semantic_tokens_range_offered()
        version = 1
        previous: SemanticTokensData | None = None
        top = lines // 2
        span = Range.of(top - RANGE_MARGIN, 0, top + VIEW + RANGE_MARGIN, 0)
        for round_ in range(rounds + 1):
            for mode in ("full", "delta", "range"):
                version += 1
                await manager.change(uri, version, [TextEdit(range=Range.of(top, 0, top, 0), new_text="x")])
                wall, cpu = time.perf_counter(), time.thread_time()
                if mode == "range":
                    answer = await server.semantic_tokens_data(uri, span=span)
                else:
                    answer = await server.semantic_tokens_data(uri, previous=previous if mode == "delta" else None)
                    previous = answer
                painted = by_line(server.decode_tokens(uri, answer.data))
                cpu, wall = time.thread_time() - cpu, time.perf_counter() - wall
                assert painted and (mode == "range" or len(painted) == lines)
                if round_:  # the first round warms the server and the imports up
                    results[mode].append((wall * 1000, cpu * 1000))
    finally:
        await manager.shutdown()
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=5000)
    parser.add_argument("--rounds", type=int, default=10)
    args = parser.parse_args()
    results = asyncio.run(measure(args.lines, args.rounds))
    print(f"lines: {args.lines}")
    cpu_p50 = {}
    for mode, samples in results.items():
        wall_p50 = statistics.median(wall for wall, _ in samples)
        cpu_p50[mode] = statistics.median(cpu for _, cpu in samples)
        print(f"{mode}_wall_p50_ms: {wall_p50:.2f} ms")
        print(f"{mode}_cpu_p50_ms: {cpu_p50[mode]:.2f} ms")
    print(f"ratio: {cpu_p50['full'] / max(cpu_p50['range'], 1e-6):.2f}")


if __name__ == "__main__":
    main()
