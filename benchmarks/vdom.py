"""VDOM diff and patch: typical Motif updates on trees of 100 / 1,000 / 10,000 nodes vs a naive full replace.

Each tree is what a task-list Motif renders: sections of keyed list items, each a row of two labels and a
button (five nodes per row). Every update re-renders the whole tree from state, as a render function does (no
subtree reuse), with 10% of the nodes changed (row titles); a second update reorders rows (5% moved, a few
inserted and removed). Figures are medians:

- ``diff_ms``: ``core.vdom.diff`` of the mounted tree against the new render;
- ``apply_ms``: applying the patch to ``core.vdom.WireTree`` (the reference applier, which validates what it is
  sent as core does; applying to live Textual widgets is measured with the reconciler, in the UI half of the
  Motifs issue);
- ``full_replace_ms``: the naive baseline measured in the same run: give the new tree fresh ids, encode it whole
  and rebuild (and validate) the receiving tree from it: what sending a full tree on every update costs;
- ``patch_bytes`` / ``tree_bytes``: msgpack size of the patch vs the whole tree.

``wire_ratio`` is (diff + apply) / full replace for the 1,000-node 10%-changed update, on wire trees.

On live Textual widgets (a headless app running ``symphony_tui.vdom.MotifReconciler``), same 1,000-node tree:

- ``patch_apply_ms``: applying the 10%-changed patch to the mounted widgets (validated, widgets updated,
  mounts awaited), alternating with its inverse so every run starts from a mounted tree;
- ``remount_ms``: the baseline, same run: tearing the widgets down and mounting the new tree from scratch;
- ``diff_10k_ms``: the diff of the 10,000-node 10%-changed update.

``ratio`` (last) is (diff + patch apply) / remount for the 1,000-node update: the goal is <= 0.1.
"""

from __future__ import annotations

import argparse
import random
import statistics
import time
from collections.abc import Callable
from typing import Any

import msgpack

from core.vdom import IdAllocator, Node, WireTree, diff, mount
from core.vdom.patch import WireNode

Row = tuple[str, str, int]


def make_rows(count: int, rng: random.Random) -> list[Row]:
    return [(f"task-{i}", f"Task number {i}", rng.randint(0, 100)) for i in range(count)]


def render(rows: list[Row], per_section: int = 50) -> Node:
    """The whole tree, built from scratch like a render function would."""
    sections = []
    for start in range(0, len(rows), per_section):
        items = tuple(
            Node(
                "list_item",
                key,
                children=(
                    Node(
                        "horizontal",
                        children=(
                            Node("label", text=title),
                            Node("label", props={"color": "$text-muted"}, text=f"{done}%"),
                            Node("button", props={"variant": "primary"}, text="Open", handlers={"press": "h1"}),
                        ),
                    ),
                ),
            )
            for key, title, done in rows[start : start + per_section]
        )
        sections.append(Node("list_view", f"section-{start}", {"height": "auto"}, children=items))
    return Node("vertical", "main", children=tuple(sections))


def changed_titles(rows: list[Row], share: float, nodes: int, rng: random.Random) -> list[Row]:
    """``share`` of the tree's nodes changed: that many row titles edited."""
    rows = list(rows)
    for index in rng.sample(range(len(rows)), max(1, int(nodes * share))):
        key, title, done = rows[index]
        rows[index] = (key, title + " (edited)", done)
    return rows


def reordered(rows: list[Row], rng: random.Random) -> list[Row]:
    """5% of rows moved elsewhere, 1% removed, 1% added."""
    rows = list(rows)
    for _ in range(max(1, len(rows) // 20)):
        rows.insert(rng.randrange(len(rows)), rows.pop(rng.randrange(len(rows))))
    for _ in range(max(1, len(rows) // 100)):
        rows.pop(rng.randrange(len(rows)))
    for extra in range(max(1, len(rows) // 100)):
        rows.insert(rng.randrange(len(rows)), (f"new-{extra}", "New task", 0))
    return rows


def median_ms(run: Callable[[], Any], repeats: int) -> float:
    timings = []
    for _ in range(repeats):
        started = time.perf_counter()
        run()
        timings.append((time.perf_counter() - started) * 1000)
    return statistics.median(timings)


def measure(nodes: int, update: str, repeats: int, rng: random.Random) -> dict[str, float]:
    rows = make_rows(max(1, (nodes - 1) // 5), rng)
    old_tree = render(rows)
    new_rows = changed_titles(rows, 0.10, nodes, rng) if update == "edit10" else reordered(rows, rng)
    new_tree = render(new_rows)
    ids = IdAllocator()
    mounted = mount(old_tree, ids)
    old_wire = mounted.to_wire()
    _, ops = diff(mounted, new_tree, ids)
    receiver = WireTree(old_wire)

    def apply() -> None:
        receiver.apply(ops)

    def full_replace() -> None:
        WireTree(msgpack.unpackb(msgpack.packb(mount(new_tree, IdAllocator()).to_wire())))

    diff_ms = median_ms(lambda: diff(mounted, new_tree, ids), repeats)
    # Applying mutates the receiver: time it on fresh copies, outside the timed region.
    apply_timings = []
    for _ in range(repeats):
        receiver = WireTree(old_wire)
        started = time.perf_counter()
        apply()
        apply_timings.append((time.perf_counter() - started) * 1000)
    return {
        "nodes": old_tree.count(),
        "ops": len(ops),
        "diff_ms": diff_ms,
        "apply_ms": statistics.median(apply_timings),
        "full_replace_ms": median_ms(full_replace, repeats),
        "patch_bytes": len(msgpack.packb(ops)),
        "tree_bytes": len(msgpack.packb(old_wire)),
    }


def measure_live(nodes: int, repeats: int, rng: random.Random) -> dict[str, float]:
    """Patch apply vs remount on live widgets, in a headless Textual app."""
    import asyncio

    from textual.app import App, ComposeResult

    from symphony_tui.vdom.motif_view import MotifView

    rows = make_rows(max(1, (nodes - 1) // 5), rng)
    old_tree, new_tree = render(rows), render(changed_titles(rows, 0.10, nodes, rng))
    ids = IdAllocator()
    old_mounted = mount(old_tree, ids)
    new_mounted, forward = diff(old_mounted, new_tree, ids)
    _, backward = diff(new_mounted, old_tree, ids)
    fresh_wire: WireNode = mount(new_tree, IdAllocator()).to_wire()
    view = MotifView("bench.vdom")
    figures: dict[str, float] = {}

    class Bench(App[None]):
        def compose(self) -> ComposeResult:
            yield view

        async def on_mount(self) -> None:
            with self._context():
                reconciler = view.reconciler
                await reconciler.mount_root(old_mounted.to_wire())
                applies = []
                for run in range(repeats * 2):
                    ops = forward if run % 2 == 0 else backward
                    started = time.perf_counter()
                    await reconciler.apply(ops)
                    applies.append((time.perf_counter() - started) * 1000)
                remounts = []
                for _ in range(max(3, repeats // 3)):
                    started = time.perf_counter()
                    await reconciler.mount_root(fresh_wire)
                    remounts.append((time.perf_counter() - started) * 1000)
                figures["patch_apply_ms"] = statistics.median(applies)
                figures["remount_ms"] = statistics.median(remounts)
                figures["ops"] = len(forward)
            self.exit()

    async def run() -> None:
        async with Bench().run_test(size=(120, 50)) as pilot:
            await pilot.pause()

    asyncio.run(run())
    figures["diff_ms"] = median_ms(lambda: diff(old_mounted, new_tree, ids), repeats)
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeats", type=int, default=21)
    args = parser.parse_args()
    rng = random.Random(7)
    headline: dict[str, float] = {}
    diff_10k = 0.0
    for nodes in (100, 1_000, 10_000):
        repeats = max(3, args.repeats // 4) if nodes >= 10_000 else args.repeats
        for update in ("edit10", "reorder"):
            figures = measure(nodes, update, repeats, rng)
            name = f"{update}_{nodes}"
            print(f"{name}_nodes: {figures['nodes']:.0f} nodes")
            print(f"{name}_ops: {figures['ops']:.0f} ops")
            for metric in ("diff_ms", "apply_ms", "full_replace_ms"):
                print(f"{name}_{metric}: {figures[metric]:.3f} ms")
            print(f"{name}_patch_bytes: {figures['patch_bytes']:.0f} bytes")
            print(f"{name}_tree_bytes: {figures['tree_bytes']:.0f} bytes")
            if nodes == 1_000 and update == "edit10":
                headline = figures
            if nodes == 10_000 and update == "edit10":
                diff_10k = figures["diff_ms"]
    print(f"wire_ratio: {(headline['diff_ms'] + headline['apply_ms']) / headline['full_replace_ms']:.2f}")
    live = measure_live(1_000, args.repeats, rng)
    print(f"diff_ms: {live['diff_ms']:.3f} ms")
    print(f"patch_apply_ms: {live['patch_apply_ms']:.3f} ms")
    print(f"remount_ms: {live['remount_ms']:.3f} ms")
    print(f"diff_10k_ms: {diff_10k:.3f} ms")
    print(f"ratio: {(live['diff_ms'] + live['patch_apply_ms']) / live['remount_ms']:.3f}")


if __name__ == "__main__":
    main()
