"""Shared fixtures: a run store in a temp dir and a local executor that is always closed."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

from core.orchestration import LocalExecutor, RunStore

CALLABLES = "tests.core.orchestration.callables"


@pytest.fixture
def store(tmp_path: Path) -> Iterator[RunStore]:
    run_store = RunStore(tmp_path / "runs.db")
    yield run_store
    run_store.close()


@pytest.fixture
async def executor() -> AsyncIterator[LocalExecutor]:
    async with LocalExecutor(workers=2) as local:
        yield local
