"""Live reload: ConfigService.watch on real directories reloads and reports after settings files change.

Watchers start asynchronously, so each test keeps rewriting the file until the change is reported (bounded by
``asyncio.wait_for``): the assertions are about what is reported, never about how fast.
"""

from __future__ import annotations

import asyncio
import shutil
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path

from watchfiles import Change

from core.config import ConfigService, Settings
from core.config.service import relevance_filter
from core.errors import ConfigError

Report = tuple[Settings, list[ConfigError]]
BOUND = 20.0  # seconds; only a hang reaches it


@asynccontextmanager
async def watching(
    service: ConfigService, on_change: Callable[[Settings, list[ConfigError]], object]
) -> AsyncIterator[asyncio.Task[None]]:
    stop = asyncio.Event()
    task = asyncio.create_task(service.watch(on_change, stop, debounce_ms=50))  # type: ignore[arg-type]
    try:
        yield task
    finally:
        stop.set()
        await asyncio.wait_for(task, BOUND)


async def write_until(
    path: Path, text: str, reports: asyncio.Queue[Report], accept: Callable[[Report], bool]
) -> Report:
    """Write ``text`` to ``path`` repeatedly until a report satisfying ``accept`` arrives."""

    async def wait() -> Report:
        while True:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
            try:
                report = await asyncio.wait_for(reports.get(), 0.5)
            except TimeoutError:
                continue
            if accept(report):
                return report

    return await asyncio.wait_for(wait(), BOUND)


async def test_editing_the_user_file_reloads_and_reports_new_settings(config_dir: Path) -> None:
    service = ConfigService(None)
    service.load()
    reports: asyncio.Queue[Report] = asyncio.Queue()

    async with watching(service, lambda s, p: reports.put_nowait((s, p))):
        settings, problems = await write_until(
            config_dir / "settings.toml", 'theme = "live"\n', reports, lambda r: r[0].theme == "live"
        )

    assert settings is service.settings
    assert problems == []
    assert service.settings.theme == "live"
    assert service.provenance["theme"] == f"user: {config_dir / 'settings.toml'}"


async def test_a_workspace_settings_dir_created_later_is_picked_up(workspace: Path) -> None:
    service = ConfigService(workspace)
    service.load()
    reports: asyncio.Queue[Report] = asyncio.Queue()
    assert not (workspace / ".symphony").exists()

    async def on_change(settings: Settings, problems: list[ConfigError]) -> None:  # async callbacks work too
        await reports.put((settings, problems))

    async with watching(service, on_change):
        await write_until(
            workspace / ".symphony" / "settings.json",
            '{"editor": {"tab_size": 7}}',
            reports,
            lambda r: r[0].editor.tab_size == 7,
        )

    assert service.sources == [workspace / ".symphony" / "settings.json"]


async def test_a_broken_edit_reports_the_problem_and_a_fix_clears_it(config_dir: Path) -> None:
    path = config_dir / "settings.toml"
    path.write_text('theme = "before"\n', encoding="utf-8")
    service = ConfigService(None)
    service.load()
    reports: asyncio.Queue[Report] = asyncio.Queue()

    async with watching(service, lambda s, p: reports.put_nowait((s, p))):
        settings, problems = await write_until(path, 'theme = "broken\n', reports, lambda r: bool(r[1]))
        assert settings.theme == "symphony-dark"
        assert problems[0].data["file"] == str(path)
        settings, problems = await write_until(path, 'theme = "after"\n', reports, lambda r: not r[1])

    assert settings.theme == "after"


async def test_a_failing_callback_does_not_stop_the_watcher(config_dir: Path) -> None:
    service = ConfigService(None)
    reports: asyncio.Queue[Report] = asyncio.Queue()
    calls = 0

    def on_change(settings: Settings, problems: list[ConfigError]) -> None:
        nonlocal calls
        calls += 1
        reports.put_nowait((settings, problems))
        if calls == 1:
            raise RuntimeError("handler bug")

    async with watching(service, on_change) as task:
        await write_until(config_dir / "settings.toml", 'theme = "one"\n', reports, lambda r: r[0].theme == "one")
        await write_until(config_dir / "settings.toml", 'theme = "two"\n', reports, lambda r: r[0].theme == "two")
        assert not task.done()


def test_only_settings_files_and_the_watched_directories_are_relevant(tmp_path: Path) -> None:
    user, ws = tmp_path / "config", tmp_path / "ws" / ".symphony"
    relevant = relevance_filter([user, ws])
    for path in (user / "settings.toml", user / "settings.yml", ws / "settings.json", ws, ws.parent, user):
        assert relevant(Change.modified, str(path)), path
    for path in (user / "notes.txt", user / "settings.toml.bak", ws / "cache" / "settings.toml", ws.parent / "a.py"):
        assert not relevant(Change.added, str(path)), path


async def test_setting_the_stop_event_ends_watch(config_dir: Path) -> None:
    service = ConfigService(None)
    stop = asyncio.Event()
    task = asyncio.create_task(service.watch(lambda s, p: None, stop))
    await asyncio.sleep(0)
    stop.set()
    await asyncio.wait_for(task, BOUND)
    assert task.done() and task.exception() is None


def test_watch_paths_are_the_user_dir_and_the_workspace_settings_dir(config_dir: Path, workspace: Path) -> None:
    assert ConfigService(workspace).watch_paths() == [config_dir, workspace / ".symphony"]


async def test_a_deleted_and_recreated_settings_dir_is_still_watched(config_dir: Path) -> None:
    service = ConfigService(None)
    reports: asyncio.Queue[Report] = asyncio.Queue()
    path = config_dir / "settings.toml"

    async with watching(service, lambda s, p: reports.put_nowait((s, p))):
        await write_until(path, 'theme = "one"\n', reports, lambda r: r[0].theme == "one")
        shutil.rmtree(config_dir)
        await write_until(path, 'theme = "two"\n', reports, lambda r: r[0].theme == "two")

    assert service.settings.theme == "two"
