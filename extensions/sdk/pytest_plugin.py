"""pytest plugin with the ``real_host`` fixture: ``symphony ext test`` loads it, and so does ``pytest_plugins =
["extensions.sdk.pytest_plugin"]`` in a conftest (or the ``pytest11`` entry point of an installed Symphony).

The fixture is a factory of async context managers, so it works with any async test style (``asyncio.run`` in a
plain test, pytest-asyncio, anyio). Without a folder it runs the extension whose Symphony.toml is nearest above
the test file.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractAsyncContextManager
from pathlib import Path
from typing import Any

import pytest

from core.errors import NotFoundError
from extensions.sdk.real_host import RealHost
from extensions.sdk.real_host import real_host as launch_real_host

MANIFEST = "Symphony.toml"


def extension_folder_of(test_file: Path) -> Path:
    """The nearest folder at or above ``test_file`` holding a Symphony.toml."""
    for folder in test_file.resolve().parents:
        if (folder / MANIFEST).is_file():
            return folder
    raise NotFoundError(
        f"no {MANIFEST} above {test_file}",
        hint="Pass the extension folder: real_host(path_to_folder).",
        data={"path": str(test_file)},
    )


@pytest.fixture
def real_host(request: pytest.FixtureRequest, tmp_path: Path) -> Callable[..., AbstractAsyncContextManager[RealHost]]:
    """``async with real_host() as host:`` runs this test's extension in a real host (see
    ``extensions.sdk.real_host.real_host`` for the keyword arguments); the workspace defaults to ``tmp_path``."""

    def make(folder: Path | str | None = None, **options: Any) -> AbstractAsyncContextManager[RealHost]:
        options.setdefault("workspace", tmp_path)
        target = Path(folder) if folder is not None else extension_folder_of(Path(str(request.node.path)))
        return launch_real_host(target, **options)

    return make


__all__ = ["extension_folder_of", "real_host"]
