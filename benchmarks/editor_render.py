"""CPU of painting editor rows: the layered path (TextArea-style rich ``Text`` then five post-processing layers)
against the one-pass row builder, measured in the same run on the same view.

A 100,000-line Python file (the standard library's sources, as /work/shared/tools/gen_big.py writes it) is opened
in Symphony (headless, 160x45), fully parsed, then given what a user's view holds: a selection, a diagnostic with its
gutter sign, semantic-token spans, an inlay hint, secondary cursors and a selection, git gutter marks and a git range
(``--whitespace``: and visible whitespace). Each round forgets every painted row and paints the whole view through the
widget's real entry point (``render_lines``: the editor's ``render_line`` per row, then Textual's styles cache
with its padding, background and line filters); ``row`` figures divide by the rows painted. ``--profile`` prints
a cProfile of either path.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import gc
import os
import pstats
import sys
import sysconfig
import tempfile
import time
from pathlib import Path
from typing import Any

from textual.geometry import Region
from textual.widgets.text_area import Selection

SIZE = (160, 45)


def stdlib_source(lines: int) -> str:
    """``lines`` lines of the standard library's own sources, concatenated (deterministic, varied real code)."""
    out: list[str] = []
    for path in sorted(Path(sysconfig.get_paths()["stdlib"]).glob("*.py")):
        out.extend(path.read_text(encoding="utf-8", errors="replace").splitlines())
        if len(out) >= lines:
            break
    return "\n".join(out[:lines]) + "\n"


def forget_painted_rows(editor: Any) -> None:
    """Make the next paint rebuild every row (as scrolling to unseen rows does)."""
    editor._line_cache.clear()
    editor._styles_cache.clear()


def paint_view(editor: Any) -> int:
    """Paint every row of the editor through Textual's per-widget entry point; returns the rows painted."""
    size = editor.size
    strips = editor.render_lines(Region(0, 0, size.width, size.height))
    return len(strips)


def measure(editor: Any, rounds: int, *, fast: bool, scroll_step: int = 0) -> float:
    """CPU milliseconds per painted row over ``rounds`` full repaints (each from an empty row cache)."""
    editor.fast_render = fast
    spent = 0.0
    rows = 0
    base_x = editor.scroll_offset.x
    for index in range(rounds):
        if scroll_step:
            editor.scroll_to(x=base_x + (index % 4) * scroll_step, animate=False, immediate=True)
        forget_painted_rows(editor)
        start = time.thread_time()
        rows += paint_view(editor)
        spent += time.thread_time() - start
    if scroll_step:
        editor.scroll_to(x=base_x, animate=False, immediate=True)
    return spent * 1000 / rows


def decorate(editor: Any, whitespace: bool) -> None:
    """A selection, a diagnostic, a semantic span, a second cursor, a git mark and visible whitespace in view."""
    from symphony_tui.lsp.decorations import WARNING, EditorDecorations, Mark
    from symphony_tui.widgets.editor_decorations import GutterMark, RangeMark

    top = editor.scroll_offset.y
    row = top + 10
    editor.selection = Selection((row, 4), (row + 3, 12))
    editor.extra_selections = [Selection.cursor((row + 8, 8)), Selection((row + 12, 2), (row + 12, 9))]
    editor.decorations = EditorDecorations(
        diagnostics=[Mark((row + 5, 4), (row + 5, 20), WARNING, "unused")],
        semantic={row + 6: [(4, 9, "variable"), (12, 16, "function")]},
        inlay={row + 7: [": int"]},
    )
    editor.set_decorations(
        "git",
        gutter=[GutterMark(row + 2, "▎", "green"), GutterMark(row + 20, "▎", "yellow")],
        ranges=[RangeMark((row + 15, 0), (row + 15, 10), "on #303030")],
    )
    editor.show_whitespace = whitespace
    editor.decorations_changed()


async def run(lines: int, rounds: int, profile: str | None, whitespace: bool) -> None:
    from symphony_tui.app import SymphonyApp

    with tempfile.TemporaryDirectory(prefix="symphony-bench-") as tmp:
        base = Path(tmp)
        for name in ("CONFIG", "LOG", "DATA", "CACHE", "STATE", "RUNTIME"):
            os.environ[f"SYMPHONY_{name}_DIR"] = str(base / "user" / name.lower())
        settings = base / "user" / "config" / "settings.toml"
        settings.parent.mkdir(parents=True, exist_ok=True)
        settings.write_text("[lsp]\nenabled = false\n", encoding="utf-8")
        workspace = base / "ws"
        workspace.mkdir()
        path = workspace / "big.py"
        path.write_text(stdlib_source(lines), encoding="utf-8")
        app = SymphonyApp(workspace, watch_config=False)
        async with app.run_test(size=SIZE) as pilot:
            editor = await app.open_file(path)
            assert editor is not None
            await pilot.pause()
            while editor._syntax is not None and editor._syntax.partial:
                await asyncio.sleep(0.01)
            editor.cursor_blink = False
            editor.focus()
            editor.move_cursor((lines // 2, 4))
            editor.scroll_cursor_visible(center=True)
            await pilot.pause()
            decorate(editor, whitespace)
            await pilot.pause()
            print(f"file_lines: {lines} lines")
            print(f"view: {editor.size.width}x{editor.size.height} cells")
            for fast in (False, True):  # warm both paths (highlight queries, style caches)
                measure(editor, 2, fast=fast)
            gc.collect()
            gc.disable()
            try:
                results: dict[str, float] = {}
                for label, step in (("", 0), ("_hscroll", 3)):
                    # Interleaved rounds, so a burst of load on the machine hits both paths alike.
                    old = new = 0.0
                    for _ in range(rounds):
                        old += measure(editor, 1, fast=False, scroll_step=step)
                        new += measure(editor, 1, fast=True, scroll_step=step)
                    results[f"layered{label}_row_ms"] = old / rounds
                    results[f"onepass{label}_row_ms"] = new / rounds
                if profile:
                    profiler = cProfile.Profile()
                    profiler.enable()
                    measure(editor, rounds, fast=profile == "onepass")
                    profiler.disable()
                    stats = pstats.Stats(profiler)
                    stats.sort_stats("tottime").print_stats(40)
                    stats.print_callers("strip.py:94|text.py:719|segment.py:208")
                    stats.sort_stats("cumulative").print_stats(45)
            finally:
                gc.enable()
    for key, value in results.items():
        print(f"{key.removesuffix('_ms')}: {value:.4f} ms")
    print(f"speedup: {results['layered_row_ms'] / results['onepass_row_ms']:.2f} x")
    print(f"speedup_hscroll: {results['layered_hscroll_row_ms'] / results['onepass_hscroll_row_ms']:.2f} x")
    print(f"loadavg: {Path('/proc/loadavg').read_text().split()[0]}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--lines", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=40, help="full-view repaints per path")
    parser.add_argument("--profile", choices=["onepass", "layered"], help="print a cProfile of one path")
    parser.add_argument("--whitespace", action="store_true", help="with visible whitespace on")
    args = parser.parse_args()
    asyncio.run(run(args.lines, args.rounds, args.profile, args.whitespace))


if __name__ == "__main__":
    sys.exit(main())
