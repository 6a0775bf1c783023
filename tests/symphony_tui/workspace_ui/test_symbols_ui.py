"""Symbols in the UI: the outline view follows the cursor and jumps; quick open's ``@`` and ``#``."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

from symphony_tui.widgets.outline_panel import OutlinePanel, OutlineTree
from symphony_tui.widgets.quick_pick import QuickPick
from symphony_tui.workspace_ui.symbol_pick import FoundSymbol, SymbolTarget, from_lsp, rank_symbols
from tests.symphony_tui.workspace_fixture import make_demo_workspace
from tests.symphony_tui.workspace_ui.gitfixture import make_app, run, settle, wait_until

SIZE = (120, 36)


def outline_names(panel: OutlinePanel) -> list[str]:
    tree = panel.query_one(OutlineTree)
    names = []

    def walk(node) -> None:  # type: ignore[no-untyped-def]
        for child in node.children:
            names.append(child.data.name)
            walk(child)

    walk(tree.root)
    return names


async def test_outline_lists_symbols_follows_the_cursor_and_enter_jumps(tmp_path: Path) -> None:
    workspace = make_demo_workspace(tmp_path)
    app = make_app(workspace, "src/demo/app.py")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await run(pilot, "view.showOutline")
        panel = app.query_one(OutlinePanel)
        await wait_until(pilot, lambda: outline_names(panel) == ["greet", "Config", "debug", "home"])
        editor = app.active_editor
        assert editor is not None
        tree = panel.query_one(OutlineTree)
        editor.cursor_location = (14, 6)  # inside Config.home
        await wait_until(pilot, lambda: tree.cursor_node is not None and tree.cursor_node.data.name == "home")
        tree.focus()
        await pilot.press("home", "enter")  # the first symbol: greet
        await wait_until(pilot, lambda: app.focused is editor)
        assert editor.cursor_location == (5, 4)
        editor.insert("\n\ndef added():\n    pass\n", (16, 0))
        await wait_until(pilot, lambda: "added" in outline_names(panel))


async def test_outline_explains_files_without_symbols(tmp_path: Path) -> None:
    workspace = make_demo_workspace(tmp_path)
    app = make_app(workspace, "notes.txt")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await run(pilot, "view.showOutline")
        await wait_until(pilot, lambda: "No outline" in str(app.query_one("#outline-empty").render()))


async def test_at_in_quick_open_lists_the_files_symbols_and_jumps(tmp_path: Path) -> None:
    workspace = make_demo_workspace(tmp_path)
    app = make_app(workspace, "src/demo/app.py")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.dispatch("workbench.gotoSymbol")
        await wait_until(pilot, lambda: isinstance(app.screen, QuickPick))
        picker = app.screen
        assert isinstance(picker, QuickPick)
        assert [item.label for item in picker._items] == ["greet", "Config", "debug", "home"]
        await pilot.press(*"hom")
        assert picker._items[0].label == "home"
        await pilot.press("enter")
        await wait_until(pilot, lambda: not isinstance(app.screen, QuickPick))
        editor = app.active_editor
        assert editor is not None and editor.cursor_location == (14, 4)


async def test_hash_searches_symbols_of_open_files_without_a_language_server(tmp_path: Path) -> None:
    workspace = make_demo_workspace(tmp_path)
    app = make_app(workspace, "web/index.js", "src/demo/app.py")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.dispatch("workbench.gotoWorkspaceSymbol")
        await wait_until(pilot, lambda: isinstance(app.screen, QuickPick))
        await pilot.press(*"add")
        picker = app.screen
        assert isinstance(picker, QuickPick)
        first = picker._items[0]
        assert first.label == "add" and first.value == SymbolTarget(workspace / "web/index.js", 1, 16)
        await pilot.press("enter")
        await wait_until(pilot, lambda: not isinstance(app.screen, QuickPick))
        editor = app.active_editor
        assert editor is not None and editor.state.path == workspace / "web/index.js"
        assert editor.cursor_location == (1, 16)


async def test_hash_shows_the_language_servers_answer_when_there_is_one(tmp_path: Path) -> None:
    workspace = make_demo_workspace(tmp_path)
    asked: list[str] = []
    target = workspace / "data" / "settings.json"

    class FakeServer:
        pid = 4242

        def range_from_server(self, uri: str, span: object) -> object:
            raise LookupError("positions are taken as they come")

    class FakeManager:
        """What LspService.manager offers: running servers and workspace/symbol over all of them."""

        servers = [FakeServer()]

        def server_for(self, uri: str) -> FakeServer:
            return self.servers[0]

        async def workspace_symbols(self, query: str) -> list[object]:
            asked.append(query)
            place = SimpleNamespace(
                uri=target.as_uri(), range=SimpleNamespace(start=SimpleNamespace(line=2, character=3))
            )
            return [SimpleNamespace(name="enabled", kind=SimpleNamespace(name="Property"), location=place)]

    app = make_app(workspace)
    app.lsp.manager = FakeManager()  # type: ignore[assignment]
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.dispatch("workbench.gotoWorkspaceSymbol")
        await wait_until(pilot, lambda: isinstance(app.screen, QuickPick))
        await pilot.press(*"en")
        picker = app.screen
        assert isinstance(picker, QuickPick)
        await wait_until(pilot, lambda: bool(picker._items) and picker._items[0].label == "enabled")
        assert "en" in asked
        assert picker._items[0].value == SymbolTarget(target, 2, 3)


def test_ranking_prefers_symbols_near_the_active_file_and_in_recent_files() -> None:
    def found(path: str) -> FoundSymbol:
        return FoundSymbol("render", "", "function", Path(path), 0, 0)

    symbols = [found("/ws/lib/other/view.py"), found("/ws/app/ui/view.py"), found("/ws/app/models.py")]
    ranked = [symbol.path.as_posix() for symbol, _ in rank_symbols("render", symbols, Path("/ws/app/ui/main.py"), [])]
    assert ranked == ["/ws/app/ui/view.py", "/ws/app/models.py", "/ws/lib/other/view.py"]
    ranked = [
        symbol.path.as_posix() for symbol, _ in rank_symbols("render", symbols, None, [Path("/ws/lib/other/view.py")])
    ]
    assert ranked[0] == "/ws/lib/other/view.py"


def test_language_server_symbols_outside_files_are_skipped() -> None:
    place = SimpleNamespace(uri="untitled:1", range=None)
    assert from_lsp([SimpleNamespace(name="x", kind=1, location=place)]) == []


async def test_quick_open_keeps_one_prepared_index_while_typing_and_prefers_nearby_files(tmp_path: Path) -> None:
    workspace = make_demo_workspace(tmp_path)
    (workspace / "web" / "app.py").write_text("x = 1\n")
    app = make_app(workspace, "src/demo/__init__.py")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.dispatch("workbench.quickOpen")
        await wait_until(pilot, lambda: isinstance(app.screen, QuickPick))
        await wait_until(pilot, lambda: app.file_index is not None)
        await pilot.press(*"app")
        picker = app.screen
        assert isinstance(picker, QuickPick)
        first = app._file_fuzzy_index  # type: ignore[attr-defined]
        assert picker._items[0].label == "src/demo/app.py"  # beside the edited file, not web/app.py
        await pilot.press(".")
        assert app._file_fuzzy_index is first  # type: ignore[attr-defined]
        await pilot.press("escape")
