"""Topological order and cycle paths, checked against graphlib on random graphs."""

from __future__ import annotations

from graphlib import CycleError, TopologicalSorter

from hypothesis import given
from hypothesis import strategies as st

from core.orchestration.graph import topological_order

_graphs = st.dictionaries(
    st.sampled_from("abcdefghij"), st.frozensets(st.sampled_from("abcdefghij"), max_size=3), max_size=10
).map(lambda g: {node: frozenset(d for d in deps if d in g) for node, deps in g.items()})


@given(_graphs)
def test_order_respects_dependencies_and_cycles_agree_with_graphlib(graph: dict[str, frozenset[str]]) -> None:
    order, cycle = topological_order(graph)
    try:
        TopologicalSorter(graph).prepare()
        has_cycle = False
    except CycleError:
        has_cycle = True
    assert bool(cycle) == has_cycle
    if not cycle:
        position = {node: index for index, node in enumerate(order)}
        assert sorted(order) == sorted(graph)
        assert all(position[dep] < position[node] for node, deps in graph.items() for dep in deps)
    else:
        assert cycle[0] == cycle[-1]
        assert all(cycle[i + 1] in graph[cycle[i]] for i in range(len(cycle) - 1))
