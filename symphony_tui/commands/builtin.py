"""The workbench's own commands. Each is a plain function over the app, registered by id in one table."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from core import __version__
from symphony_tui.widgets.dialogs import Choice, ChoiceDialog, InputDialog
from symphony_tui.widgets.quick_pick import PickItem, PickResult, QuickPick

if TYPE_CHECKING:
    from core.workspace.fuzzy import FuzzyIndex, Match
    from symphony_tui.app import SymphonyApp
    from symphony_tui.widgets.editor import Editor
    from symphony_tui.widgets.terminal_panel import TerminalPanel
    from symphony_tui.widgets.terminal_view import TerminalView

COMMAND_PREFIX = ">"
SYMBOL_PREFIX = "@"
WORKSPACE_SYMBOL_PREFIX = "#"


def register_builtin_commands(app: SymphonyApp) -> None:
    """Register every workbench action as a command on ``app.commands``."""

    async def save() -> None:
        if (editor := app.active_editor) is not None:
            await app.save_editor(editor)

    async def save_as() -> None:
        if (editor := app.active_editor) is not None:
            target = await prompt_save_path(app, editor)
            if target is not None:
                await app.save_editor(editor, path=target)

    async def save_all() -> None:
        for editor in app.editors:
            if editor.dirty and not await app.save_editor(editor):
                return

    async def close() -> None:
        if (editor := app.active_editor) is not None:
            await app.close_editor(editor)
        elif (pane := app.tabs.active_pane) is not None and pane.id is not None:
            await app.tabs.remove_pane(pane.id)  # a diff view: nothing to save
            app._update_welcome()

    def cycle(step: int) -> None:
        editors = app.editors
        current = app.active_editor
        if not editors or current is None:
            return
        target = editors[(editors.index(current) + step) % len(editors)]
        app._activate(target)

    def toggle_explorer() -> None:
        app.workspace_ui.toggle_side()  # the side bar: the explorer or whichever view was shown last

    def focus_explorer() -> None:
        app.workspace_ui.show_side("explorer")

    def toggle_soft_wrap() -> None:
        if (editor := app.active_editor) is not None:
            editor.soft_wrap = not editor.soft_wrap

    async def revert() -> None:
        editor = app.active_editor
        if editor is None or editor.state.path is None:
            return
        from core.workspace.textfile import read_text_file

        loaded = read_text_file(editor.state.path, default_encoding=editor.state.encoding)
        editor.load_text(loaded.text)
        from dataclasses import replace

        editor.mark_saved(loaded.text, replace(editor.state, mtime_ns=loaded.mtime_ns))

    async def open_settings(workspace: bool = False) -> None:
        from core.config.persist import settings_file_for

        path = settings_file_for(app.config, workspace=workspace)
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(
                "# Symphony settings. `symphony config schema` prints every key; `symphony config show` the\n"
                "# effective values and where each came from. Changes apply as soon as you save.\n",
                encoding="utf-8",
            )
        await app.open_file(path)

    def terminal_panel() -> TerminalPanel:
        from symphony_tui.widgets.terminal_panel import TerminalPanel

        return app.query_one(TerminalPanel)

    async def new_terminal(argv: list[str] | None = None) -> TerminalView:
        t = app.settings.terminal
        command = argv or ([t.shell, *t.shell_args] if t.shell else None)
        return await terminal_panel().new_terminal(command, scrollback=t.scrollback)

    async def toggle_terminal() -> None:
        from symphony_tui.widgets.terminal_view import TerminalView

        panel = terminal_panel()
        if isinstance(app.focused, TerminalView):
            panel.show(False)
            if (editor := app.active_editor) is not None:
                editor.focus()
            return
        if not panel.views:
            await new_terminal()
            return
        panel.show(True)
        if (view := panel.active_view) is not None:
            view.focus()

    async def kill_terminal() -> None:
        panel = terminal_panel()
        view = panel.active_view
        if view is None:
            return
        if not view.exited and view.session.has_foreground_job():
            choice = await app.push_screen_wait(
                ChoiceDialog(
                    f"Kill the program running in '{view.title}'?",
                    "A process other than the shell is still running in this terminal.",
                    [Choice("kill", "Kill", "k", "error"), Choice("cancel", "Cancel", "c")],
                )
            )
            if choice != "kill":
                return
        await panel.close_terminal(view)

    async def split_terminal(argv: list[str] | None = None) -> TerminalView:
        t = app.settings.terminal
        command = argv or ([t.shell, *t.shell_args] if t.shell else None)
        return await terminal_panel().split_terminal(command, scrollback=t.scrollback)

    def find_in_terminal() -> None:
        terminal_panel().open_find()

    def copy_terminal_selection() -> None:
        view = terminal_panel().active_view
        if view is None or not view.copy_selection():
            app.notify("Select text in the terminal with the mouse first.", title="Nothing to copy")

    async def run_in_terminal(text: str) -> None:
        panel = terminal_panel()
        view = panel.active_view or await new_terminal()
        panel.show(True)
        if not await view.wait_started():
            return
        view.session.paste(text if text.endswith("\n") else text + "\n")

    async def run_selection() -> None:
        editor = app.active_editor
        if editor is None:
            return
        text = editor.selected_text or editor.document.get_line(editor.cursor_location[0])
        await run_in_terminal(text)

    async def run_file() -> None:
        import shlex

        editor = app.active_editor
        if editor is None or editor.state.path is None:
            return
        if editor.dirty:
            await app.save_editor(editor)
        runner = {"python": "python3", "bash": "bash", "javascript": "node"}.get(editor.state.language)
        path = shlex.quote(str(editor.state.path))
        await run_in_terminal(f"{runner} {path}" if runner else path)

    async def open_file_at(path: str, line: int = 0) -> None:
        editor = await app.open_file(Path(path))
        if editor is not None and line > 0:
            _goto(editor, line)

    def focus_editor() -> None:
        if (editor := app.active_editor) is not None:
            editor.focus()

    def about() -> None:
        app.notify(f"Symphony {__version__}\nWorkspace: {app.workspace}", title="About Symphony")

    add = app.commands.add
    add("file.new", "New File", "File", app.new_file)
    add("file.save", "Save", "File", save)
    add("file.saveAs", "Save As...", "File", save_as)
    add("file.saveAll", "Save All", "File", save_all)
    add("file.revert", "Revert File", "File", revert)
    add("app.quit", "Quit", "File", app.request_quit)
    add("editor.close", "Close Editor", "View", close)
    add("editor.next", "Next Editor", "View", lambda: cycle(1))
    add("editor.previous", "Previous Editor", "View", lambda: cycle(-1))
    add("editor.gotoLine", "Go to Line...", "Go", lambda: goto_line(app))
    add("view.toggleExplorer", "Toggle Explorer", "View", toggle_explorer)
    add("view.focusExplorer", "Focus Explorer", "View", focus_explorer)
    add("view.focusNext", "Focus Next Part", "View", app.action_focus_next)
    add("view.toggleSoftWrap", "Toggle Word Wrap", "View", toggle_soft_wrap)
    add("workbench.quickOpen", "Go to File...", "Go", lambda: quick_open(app))
    add("workbench.commandPalette", "Show All Commands", "View", lambda: quick_open(app, COMMAND_PREFIX))
    add("workbench.gotoSymbol", "Go to Symbol in Editor...", "Go", lambda: quick_open(app, SYMBOL_PREFIX))
    add(
        "workbench.gotoWorkspaceSymbol",
        "Go to Symbol in Workspace or Open Files...",
        "Go",
        lambda: quick_open(app, WORKSPACE_SYMBOL_PREFIX),
    )
    add("preferences.theme", "Color Theme", "Preferences", lambda: pick_theme(app))
    add("preferences.openSettings", "Open User Settings", "Preferences", open_settings)
    add(
        "preferences.openWorkspaceSettings",
        "Open Workspace Settings",
        "Preferences",
        lambda: open_settings(workspace=True),
    )
    add("preferences.reloadSettings", "Reload Settings", "Preferences", app.reload_settings)
    add("help.keybindings", "Keyboard Shortcuts", "Help", lambda: show_keybindings(app))
    add("help.about", "About", "Help", about)
    add("view.toggleTerminal", "Toggle Terminal", "View", toggle_terminal)
    add("view.focusEditor", "Focus Active Editor", "View", focus_editor)
    add("terminal.new", "New Terminal", "Terminal", new_terminal)
    add(
        "workbench.openFile",
        "Open File at Line",
        "File",
        open_file_at,
        palette=False,
        args={"path": str, "line": int},
        description="Open a workspace file (relative or absolute path) and put the cursor on a 1-based line.",
    )
    add("terminal.kill", "Kill Terminal", "Terminal", kill_terminal)
    add("terminal.split", "Split Terminal", "Terminal", split_terminal)
    add("terminal.find", "Find in Terminal", "Terminal", find_in_terminal)
    add("terminal.copySelection", "Copy Terminal Selection", "Terminal", copy_terminal_selection)
    add("terminal.runSelection", "Run Selected Text", "Terminal", run_selection)
    add("terminal.runFile", "Run Active File", "Terminal", run_file)

    from symphony_tui.widgets.editor_commands import register_editor_commands

    register_editor_commands(app)


# --------------------------------------------------------------------- quick open / palette


def rank_paths(query: str, paths: Sequence[str], limit: int = 50, recent: Sequence[str] = ()) -> list[Match]:
    """Fuzzy ranking shared by every picker (imported on first use: it is not needed for the first frame)."""
    from core.workspace.fuzzy import rank_paths as rank

    return rank(query, paths, limit=limit, recent=recent)


def _file_fuzzy_index(app: SymphonyApp, files: list[str]) -> FuzzyIndex:
    """One prepared index per file list, so typing narrows the previous keystroke's matches (and 100,000 paths
    are folded once, not on every keystroke)."""
    from core.workspace.fuzzy import FuzzyIndex

    cached: tuple[list[str], FuzzyIndex] | None = getattr(app, "_file_fuzzy_index", None)
    if cached is None or cached[0] is not files:
        cached = (files, FuzzyIndex(files))
        app._file_fuzzy_index = cached  # type: ignore[attr-defined]
    return cached[1]


def _file_items(app: SymphonyApp, query: str) -> Sequence[PickItem]:
    path_part, _, line_part = query.partition(":")
    files = app.file_index
    if files is None:
        return [PickItem(label=p, value=p) for p in app.recent_files] or [
            PickItem(label="Indexing workspace files…", value=None)
        ]
    active = app.active_editor
    near = app.workspace_relative(active.state.path) or "" if active is not None and active.state.path else ""
    matches = _file_fuzzy_index(app, files).rank(path_part.strip(), limit=50, recent=app.recent_files, near=near)
    suffix = f":{line_part}" if line_part.strip().isdigit() else ""
    return [PickItem(label=m.path, value=m.path + suffix, positions=m.positions) for m in matches]


_KEY_SYMBOLS = {
    "full_stop": ".",
    "grave_accent": "`",
    "underscore": "_",
    "slash": "/",
    "backslash": "\\",
    "comma": ",",
    "semicolon": ";",
    "minus": "-",
    "equals_sign": "=",
    "apostrophe": "'",
    "left_square_bracket": "[",
    "right_square_bracket": "]",
}


def key_label(key: str) -> str:
    """A key as users write it: ``ctrl+.``, not Textual's ``ctrl+full_stop`` that the palette used to show."""
    *modifiers, name = key.split("+") if key != "+" else [key]
    return "+".join([*modifiers, _KEY_SYMBOLS.get(name, name)])


EDITOR_ACTIONS = {"editor.undo": "undo", "editor.redo": "redo", "editor.selectAll": "select_all"}
"""Palette commands that the editor widget also binds itself: their keys are not in the keymap."""


def _palette_keys(app: SymphonyApp, command_id: str) -> str:
    keys = app.keys_for(command_id)
    action = EDITOR_ACTIONS.get(command_id)
    if action is not None:
        taken = {b.key for b in app.keybindings}
        keys += [key for _, key, bound in editor_own_keys(taken) if bound == action]
    return " ".join(key_label(key) for key in keys)


def _command_items(app: SymphonyApp, query: str) -> Sequence[PickItem]:
    commands = {c.label: c for c in app.commands if c.palette}
    labels = list(commands)
    ranked = rank_paths(query.strip(), labels, limit=200)
    return [
        PickItem(
            label=m.path, value=commands[m.path].id, positions=m.positions, hint=_palette_keys(app, commands[m.path].id)
        )
        for m in ranked
    ]


def _quick_open_items(
    app: SymphonyApp, query: str, workspace_symbols: Callable[[str], Sequence[PickItem]] | None = None
) -> Sequence[PickItem]:
    if query.startswith(COMMAND_PREFIX):
        return _command_items(app, query[len(COMMAND_PREFIX) :])
    if query.startswith(SYMBOL_PREFIX):
        from symphony_tui.workspace_ui.symbol_pick import document_symbol_items

        return document_symbol_items(app, query[len(SYMBOL_PREFIX) :])
    if query.startswith(WORKSPACE_SYMBOL_PREFIX) and workspace_symbols is not None:
        return workspace_symbols(query[len(WORKSPACE_SYMBOL_PREFIX) :])
    return _file_items(app, query)


def _quick_open_title(query: str) -> str:
    if query.startswith(COMMAND_PREFIX):
        return "Commands — type to filter; delete '>' to search files"
    if query.startswith(SYMBOL_PREFIX):
        return "Go to symbol in file — delete '@' to search files"
    if query.startswith(WORKSPACE_SYMBOL_PREFIX):
        return "Go to symbol in workspace — delete '#' to search files"
    return "Go to file — '>' commands, '@' symbols, '#' workspace symbols, ':LINE' to jump to a line"


async def quick_open(app: SymphonyApp, initial: str = "") -> None:
    """Ctrl+P: fuzzy-find a file; typing '>' turns it into the command palette, as in VS Code."""
    if isinstance(app.screen, QuickPick):
        return
    from symphony_tui.workspace_ui.symbol_pick import SymbolTarget, WorkspaceSymbolSource

    def refresh() -> None:
        if picker.is_attached:
            picker.refresh_items(picker.query_text)

    symbols = WorkspaceSymbolSource(app, refresh)
    picker = QuickPick(
        lambda q: _quick_open_items(app, q, symbols.items),
        placeholder="Search files by name (> commands, @ symbols, # workspace symbols)",
        initial=initial,
        title_for=_quick_open_title,
    )
    if app.file_index is None:
        worker = app.index_files()

        async def refresh_when_indexed() -> None:
            await worker.wait()
            if picker.is_attached:
                picker.refresh_items(picker.query_text)

        app.run_worker(refresh_when_indexed(), group="quick-open-refresh")
    result: PickResult | None = await app.push_screen_wait(picker)
    if result is None or result.item.value is None:
        return
    if result.query.startswith(COMMAND_PREFIX):
        await app.run_command(result.item.value)
        return
    if isinstance(result.item.value, SymbolTarget):
        target = result.item.value
        editor = app.active_editor if target.path is None else await app.open_file(target.path)
        if editor is not None:
            editor.cursor_location = (target.line, target.column)
            editor.scroll_cursor_visible(center=True)
            editor.focus()
        return
    path_text, _, line_text = str(result.item.value).partition(":")
    editor = await app.open_file(Path(path_text))
    if editor is not None and line_text.isdigit():
        _goto(editor, int(line_text))


def _goto(editor: Editor, line: int) -> None:
    row = max(0, min(line - 1, editor.document.line_count - 1))
    editor.cursor_location = (row, 0)
    editor.scroll_cursor_visible(center=True)


async def goto_line(app: SymphonyApp) -> None:
    """Ctrl+G: jump to a line number in the active editor."""
    editor = app.active_editor
    if editor is None:
        return
    answer = await app.push_screen_wait(
        InputDialog(f"Go to line (1-{editor.document.line_count})", placeholder="line number")
    )
    if answer and answer.strip().isdigit():
        _goto(editor, int(answer.strip()))
    editor.focus()


async def prompt_save_path(app: SymphonyApp, editor: Editor) -> Path | None:
    """Ask where to save an editor's text; relative answers are taken from the workspace root."""
    current = editor.state.path
    default = (app.workspace_relative(current) or "") if current else ""
    answer = await app.push_screen_wait(InputDialog("Save as", value=default, placeholder="path/to/file.py"))
    if not answer:
        return None
    path = Path(answer).expanduser()
    path = path if path.is_absolute() else app.workspace / path
    if path.is_dir():
        app.notify(f"{path} is a folder; type a file name.", severity="error")
        return None
    path.parent.mkdir(parents=True, exist_ok=True)  # like `mkdir -p`: typing a new folder creates it
    return path


async def pick_theme(app: SymphonyApp) -> None:
    """Preferences: Theme — previews each theme as it is highlighted; escape restores the previous one."""
    original = app.theme
    specs = sorted(app.theme_specs.values(), key=lambda s: s.display_name)

    def items(query: str) -> Sequence[PickItem]:
        names = [s.display_name for s in specs]
        by_name = {s.display_name: s for s in specs}
        return [
            PickItem(
                label=m.path,
                value=by_name[m.path].name,
                positions=m.positions,
                detail="(current)" if by_name[m.path].name == original else "",
            )
            for m in rank_paths(query.strip(), names, limit=100)
        ]

    result = await app.push_screen_wait(
        QuickPick(
            items,
            title="Select a color theme (↑↓ to preview)",
            on_highlight=lambda item: app._apply_theme(item.value, announce=False),
        )
    )
    if result is None:
        app._apply_theme(original, announce=False)
        return
    app._apply_theme(result.item.value)
    from core.config.persist import persist_setting

    try:
        where = persist_setting(app.config, "theme", result.item.value)
    except Exception as exc:  # persisting is a convenience; the theme is already applied
        app.notify(f"Theme applied for this session; could not save it: {exc}", severity="warning")
    else:
        app.notify(f"Theme saved to {where}", title="Color theme")


def editor_own_keys(keymap_keys: set[str]) -> list[tuple[str, str, str]]:
    """(description, key, action) of the editor's own keys that the keymap does not take (undo, copy, ctrl+k...).

    They live on the editor widget, not in the keymap, so the shortcuts list missed them: "undo" found nothing.
    """
    from symphony_tui.widgets.editor import Editor

    return [
        (binding.description, key, binding.action)
        for key, bindings in Editor._merged_bindings.key_to_bindings.items()  # type: ignore[union-attr]
        for binding in bindings[:1]
        if binding.description and key not in keymap_keys and not key.startswith("super+")
    ]


async def show_keybindings(app: SymphonyApp) -> None:
    """Help: Keyboard Shortcuts — every binding with its command, then the editor's own keys; choosing one runs it."""
    labels = {c.id: c.label for c in app.commands}
    rows: dict[str, tuple[str, str]] = {
        f"{labels.get(b.command, b.command)} — {key_label(b.key)}": ("command", b.command) for b in app.keybindings
    }
    for description, key, action in editor_own_keys({b.key for b in app.keybindings}):
        rows.setdefault(f"Editor: {description} — {key_label(key)}", ("editor", action))

    def items(query: str) -> Sequence[PickItem]:
        return [
            PickItem(label=m.path, value=rows[m.path], positions=m.positions)
            for m in rank_paths(query.strip(), list(rows), limit=300)
        ]

    result = await app.push_screen_wait(QuickPick(items, title="Keyboard shortcuts"))
    if result is None:
        return
    kind, target = result.item.value
    if kind == "command":
        await app.run_command(target)
    elif (editor := app.active_editor) is not None:
        editor.focus()
        await editor.run_action(target)
