"""AIDE engine figures: DAG overhead, artifact store latency and dedup, prefetch hit rate, learning policy effect.

- dag_10k_*: 10,000 no-op python nodes (inline isolation, so the figure is the engine's own cost: validation,
  checkpoints in SQLite, scheduling, events), as a wide fan (max_concurrency 64) and as a deep chain.
- artifact_store_ms / artifact_get_ms: p50 over distinct 100 KB random artifacts; a put ends with one fsync.
- dedup_saving_pct: 20 versions of a generated 5 MB source tree, each a few small edits from the last, each
  stored as one archive artifact.
- prefetch_hit_pct: a recurring 12-node pipeline over 6 models with room for 2, run 5 times with prefetch:
  share of model loads a prefetch had started before the node asked; prefetch_ready_pct counts only those
  already finished (the node did not wait at all). Loads take 10 ms, each node computes for 5 ms.
- policy_*: simulated schedules (4 slots, 60-node random DAG with hidden heavy-tailed durations) under the
  default critical-path policy vs the learning policy after 5 observed runs; lower makespan is better.
- ratio: artifact_store_ms over a plain write+fsync of the same 100 KB (measured in this run).
"""

from __future__ import annotations

import argparse
import asyncio
import heapq
import os
import random
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

from core.aide.artifacts import ArtifactStore
from core.aide.models import ModelInfo, ModelPool, ModelPrefetcher
from core.orchestration import (
    CriticalPathPolicy,
    LearningPolicy,
    LocalExecutor,
    NodeSample,
    NodeSpec,
    RunStatus,
    RunStore,
    SchedulingPolicy,
    Workflow,
    WorkflowRunner,
)

NOOP = "tests.core.orchestration.callables:noop"


def dag(shape: str, count: int) -> Workflow:
    nodes = []
    for index in range(count):
        after = (f"n{index - 1}",) if shape == "deep" and index else ()
        nodes.append(NodeSpec(id=f"n{index}", kind="python", call=NOOP, isolation="inline", after=after))
    return Workflow(name=f"bench-{shape}", max_concurrency=64, nodes=tuple(nodes))


async def dag_overhead_ms(shape: str, count: int, directory: Path) -> float:
    workflow = dag(shape, count)
    store = RunStore(directory / f"{shape}.db")
    async with LocalExecutor() as executor:
        started = time.perf_counter()
        result = await WorkflowRunner(workflow, store=store, executor=executor).run()
        elapsed = time.perf_counter() - started
    assert result.status is RunStatus.SUCCEEDED
    store.close()
    return elapsed * 1000 / count


def store_and_get_ms(directory: Path, count: int) -> tuple[float, float, float]:
    store = ArtifactStore(directory / "store")
    rng = random.Random(3)
    payloads = [rng.randbytes(100_000) for _ in range(count)]
    puts, gets, raw = [], [], []
    digests = []
    for payload in payloads:
        started = time.perf_counter()
        digests.append(store.put(payload).digest)
        puts.append(time.perf_counter() - started)
    for digest in digests:
        started = time.perf_counter()
        store.get(digest)
        gets.append(time.perf_counter() - started)
    raw_dir = directory / "raw"
    raw_dir.mkdir()
    for index, payload in enumerate(payloads):
        started = time.perf_counter()
        with (raw_dir / str(index)).open("wb") as handle:
            handle.write(payload)
            handle.flush()
            os.fsync(handle.fileno())
        raw.append(time.perf_counter() - started)
    store.close()
    return (statistics.median(puts) * 1000, statistics.median(gets) * 1000, statistics.median(raw) * 1000)


def source_tree(rng: random.Random, total: int) -> dict[str, bytearray]:
    words = ["def", "return", "self", "value", "import", "class", "for", "in", "if", "else", "node", "store"]
    files: dict[str, bytearray] = {}
    size = 0
    while size < total:
        lines = [
            " " * rng.choice([0, 4, 8]) + " ".join(rng.choice(words) for _ in range(rng.randint(2, 10)))
            for _ in range(rng.randint(50, 400))
        ]
        body = bytearray("\n".join(lines).encode())
        files[f"pkg{rng.randint(0, 20)}/mod{len(files)}.py"] = body
        size += len(body)
    return files


def archive(files: dict[str, bytearray]) -> bytes:
    parts = []
    for path in sorted(files):
        parts.append(f"--- {path} {len(files[path])}\n".encode())
        parts.append(bytes(files[path]))
    return b"".join(parts)


def dedup_saving_pct(directory: Path) -> float:
    rng = random.Random(11)
    files = source_tree(rng, 5_000_000)
    store = ArtifactStore(directory / "dedup")
    for _ in range(20):
        store.put(archive(files), kind="archive")
        for _ in range(rng.randint(1, 5)):
            body = files[rng.choice(list(files))]
            at = rng.randrange(len(body))
            body[at:at] = b"\n    edited = True  # small change\n"
        if rng.random() < 0.3:
            files[f"pkg_new/mod{rng.randint(0, 10**6)}.py"] = bytearray(b"print('new file')\n" * 20)
    saving = store.stats().dedup_saving * 100
    store.close()
    return saving


class SlowLoader:
    async def load(self, info: ModelInfo) -> Any:
        await asyncio.sleep(0.01)
        return info.name

    async def unload(self, info: ModelInfo, handle: Any) -> None:
        return None


async def prefetch_pcts(directory: Path) -> tuple[float, float]:
    pool = ModelPool(100, SlowLoader())
    models = [f"m{i}" for i in range(6)]
    for name in models:
        pool.register(ModelInfo(name, "llm", 45))

    async def infer(model: str) -> None:
        async with pool.use(model):
            await asyncio.sleep(0.005)

    nodes = []
    for index in range(12):
        after = (f"s{index - 1}",) if index else ()
        nodes.append(
            NodeSpec(
                id=f"s{index}",
                kind="instrument",
                target="infer",
                params={"model": models[index % 6]},
                after=after,
                models=(models[index % 6],),
            )
        )
    workflow = Workflow(name="recurring", max_concurrency=2, nodes=tuple(nodes))
    store = RunStore(directory / "prefetch.db")
    async with LocalExecutor({"infer": infer}) as executor:
        for _ in range(5):
            prefetcher = ModelPrefetcher(pool, workflow)
            await WorkflowRunner(workflow, store=store, executor=executor, on_event=prefetcher.on_event).run()
    store.close()
    return pool.stats.prefetch_hit_rate * 100, pool.stats.prefetch_ready_rate * 100


def simulate(
    workflow: Workflow, durations: dict[str, float], policy: SchedulingPolicy, history: list[NodeSample], slots: int
) -> float:
    """List scheduling with the policy's ranks; returns the makespan."""
    rank = policy.prepare(workflow, history)
    deps = {n.id: set(n.dependencies()) for n in workflow.nodes}
    dependents: dict[str, list[str]] = {n.id: [] for n in workflow.nodes}
    for node_id, node_deps in deps.items():
        for dep in node_deps:
            dependents[dep].append(node_id)
    ready = [(-rank[n], n) for n, d in deps.items() if not d]
    heapq.heapify(ready)
    running: list[tuple[float, str]] = []
    clock = 0.0
    while ready or running:
        while ready and len(running) < slots:
            _, node_id = heapq.heappop(ready)
            heapq.heappush(running, (clock + durations[node_id], node_id))
        clock, done = heapq.heappop(running)
        for dependent in dependents[done]:
            deps[dependent].discard(done)
            if not deps[dependent]:
                heapq.heappush(ready, (-rank[dependent], dependent))
    return clock


def policy_makespans(trials: int = 30) -> tuple[float, float]:
    default, learned = [], []
    for trial in range(trials):
        rng = random.Random(trial)
        nodes = []
        for index in range(60):
            after = tuple(sorted({f"t{rng.randrange(index)}" for _ in range(rng.randint(0, 2))})) if index else ()
            nodes.append(NodeSpec(id=f"t{index}", kind="shell", command="true", after=after))
        workflow = Workflow(name="sim", nodes=tuple(nodes))
        durations = {n.id: rng.paretovariate(1.5) for n in nodes}
        history = [
            NodeSample(node_id, duration * rng.uniform(0.8, 1.2), True)
            for _ in range(5)
            for node_id, duration in durations.items()
        ]
        default.append(simulate(workflow, durations, CriticalPathPolicy(), [], 4))
        learned.append(simulate(workflow, durations, LearningPolicy(), history, 4))
    return statistics.mean(default), statistics.mean(learned)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--nodes", type=int, default=10_000)
    parser.add_argument("--artifacts", type=int, default=200)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        directory = Path(tmp)
        wide = asyncio.run(dag_overhead_ms("wide", args.nodes, directory))
        deep = asyncio.run(dag_overhead_ms("deep", args.nodes, directory))
        put_ms, get_ms, raw_ms = store_and_get_ms(directory, args.artifacts)
        saving = dedup_saving_pct(directory)
        hit, ready = asyncio.run(prefetch_pcts(directory))
    default, learned = policy_makespans()
    print(f"dag_10k_wide_overhead_ms_per_node: {wide:.3f} ms")
    print(f"dag_10k_deep_overhead_ms_per_node: {deep:.3f} ms")
    print(f"dag_10k_overhead_ms_per_node: {max(wide, deep):.3f} ms")
    print(f"artifact_store_ms: {put_ms:.3f} ms")
    print(f"artifact_get_ms: {get_ms:.3f} ms")
    print(f"raw_write_fsync_ms: {raw_ms:.3f} ms")
    print(f"dedup_saving_pct: {saving:.1f} %")
    print(f"prefetch_hit_pct: {hit:.1f} %")
    print(f"prefetch_ready_pct: {ready:.1f} %")
    print(f"policy_critical_path_makespan: {default:.2f} s")
    print(f"policy_learning_makespan: {learned:.2f} s")
    print(f"policy_learning_gain_pct: {(1 - learned / default) * 100:.1f} %")
    print(f"ratio: {put_ms / raw_ms:.2f}")


if __name__ == "__main__":
    main()
