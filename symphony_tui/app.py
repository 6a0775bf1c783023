"""SymphonyApp: wires core services (config, commands, keymap, workspace) to the workbench widgets.

The app owns no domain logic: files are read and written by core.workspace, settings come from core.config,
and every user action is a command in the registry (keys, palette and tests all go through it).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from rich.console import RenderableType
from textual import events, on, work
from textual.app import App, ComposeResult
from textual.binding import Binding as TextualBinding
from textual.binding import BindingsMap
from textual.containers import Horizontal, Vertical
from textual.css.query import NoMatches
from textual.screen import ModalScreen, Screen
from textual.widgets import Static, TabbedContent, TabPane, TextArea
from textual.worker import Worker

from core.commands import CommandRegistry
from core.config import ConfigService, Settings
from core.errors import ConfigError, EncodingError, SymphonyError
from core.keymap import Binding, resolve_keymap
from core.theming import ThemeSpec, builtin_theme_dir, discover_themes
from core.workspace.languages import detect_language, language_label
from core.workspace.textfile import read_text_file, save_text_file
from core.workspace.tree import WorkspaceTree
from symphony_tui.commands.builtin import register_builtin_commands
from symphony_tui.commands.developer import register_developer_commands
from symphony_tui.commands.keymap import DEFAULT_KEYBINDINGS
from symphony_tui.compositor import install as install_banded_repaints
from symphony_tui.editorconfig_ui import apply_indentation, format_new_file, load_editorconfig, whitespace_rules
from symphony_tui.extensions_ui.commands import register_extension_commands
from symphony_tui.extensions_ui.controller import ExtensionsController, ExtensionsOptions
from symphony_tui.idle_gc import IdleCollector
from symphony_tui.key_bursts import KeyBursts
from symphony_tui.key_parsing import install as install_alt_key_parsing
from symphony_tui.lsp.commands import register_lsp_commands
from symphony_tui.lsp.panels import LocationList
from symphony_tui.lsp.service import LspService
from symphony_tui.partial_layout import install as install_partial_layouts
from symphony_tui.session import SessionKeeper
from symphony_tui.themes import app_theme, editor_theme
from symphony_tui.vdom.commands import register_motif_commands
from symphony_tui.vdom.placements import MotifPlacements
from symphony_tui.widgets.dialogs import Choice, ChoiceDialog
from symphony_tui.widgets.editor import Editor, FileState
from symphony_tui.widgets.explorer import Explorer
from symphony_tui.widgets.status_bar import StatusBar, StatusInfo
from symphony_tui.widgets.terminal_panel import TerminalPanel
from symphony_tui.widgets.terminal_view import TerminalView
from symphony_tui.workflows_ui import register_workflow_commands
from symphony_tui.workspace_ui.commands import register_workspace_commands
from symphony_tui.workspace_ui.controller import WorkspaceUI, side_views
from symphony_tui.workspace_ui.handlers import WorkspaceMessages, panel_owns_key

log = logging.getLogger(__name__)

DEFAULT_THEME = "symphony-dark"

TERMINAL_ESCAPE_COMMANDS = frozenset(
    {"view.toggleTerminal", "view.focusEditor", "terminal.find", "terminal.copySelection", "terminal.split"}
)
"""Commands whose keys still reach Symphony while a terminal program has focus."""


class SymphonyApp(WorkspaceMessages, App[None]):
    """The Symphony workbench: explorer, editor tabs, status bar, palette."""

    CSS = """
    Screen {
        layout: vertical;
    }
    #workbench {
        height: 1fr;
    }
    #editor-area {
        width: 1fr;
        height: 1fr;
    }
    #editors {
        width: 1fr;
        height: 1fr;
    }
    #editors.-empty {
        display: none;
    }
    #editors > ContentTabs {
        background: $panel;
    }
    #editors TabPane {
        padding: 0;
    }
    #welcome {
        width: 1fr;
        height: 1fr;
        content-align: center middle;
        text-align: left;
        color: $text-muted;
    }
    """

    ENABLE_COMMAND_PALETTE = False
    TITLE = "Symphony"
    BINDINGS: list[Any] = []

    def __init__(
        self,
        workspace: Path,
        *,
        open_paths: Sequence[Path] = (),
        config: ConfigService | None = None,
        watch_config: bool = True,
        extensions: bool = False,
        extension_options: ExtensionsOptions | None = None,
    ) -> None:
        super().__init__()
        install_banded_repaints()  # a keystroke repaints its rows, not the box around all dirty regions
        install_alt_key_parsing()  # alt+/ and alt+enter arrive as themselves, not as / and enter
        install_partial_layouts()  # a status field or a scrollbar lays out its own area, not the whole screen
        self.workspace = workspace.resolve()
        """The folder Symphony was opened on."""
        self.config = config or ConfigService(self.workspace)
        """Layered settings; reloaded live when a settings file changes."""
        self.commands = CommandRegistry()
        """Every action of the app, by id."""
        self.keybindings: list[Binding] = []
        """The effective keymap (defaults + user overrides)."""
        self.theme_specs: dict[str, ThemeSpec] = {}
        self._open_paths = list(open_paths)
        self._watch_config = watch_config
        self._shown_problems: set[str] = set()
        self._editor_counter = 0
        self._active_editors: tuple[object, list[Editor]] = (None, [])
        self._status_path: tuple[Path | None, str] = (None, "")
        """(active tab, update count of everything under the tabs) and that tab's editors: see active_editor."""
        self._recent: list[str] = []
        self._file_index: list[str] | None = None
        self._config_stop = asyncio.Event()
        self._ui_ready = False
        self._key_bursts = KeyBursts(self)
        self._early_input: list[events.Key | events.Paste] | None = []
        """Keys and pastes that arrived while the workbench was still opening (None once it is open)."""
        self._applied_filters: tuple[tuple[str, ...], bool, bool] = ((), False, False)
        self._idle_gc = IdleCollector()
        self.session = SessionKeeper(self)
        """Open tabs and layout, saved while running and restored on the next start in this workspace."""
        self.extension_keybindings: list[Binding] = []
        """Keys contributed by extensions: above the defaults, below the user's own."""
        self.lsp = LspService(self)
        """Language servers: document sync, diagnostics, completion and the language commands."""
        self._applied_visible = True
        self.workspace_ui = WorkspaceUI(self)
        """Side bar views, file operations, git and the workspace watcher."""
        register_builtin_commands(self)
        register_extension_commands(self)
        register_lsp_commands(self)
        register_workspace_commands(self)
        register_workflow_commands(self)
        register_developer_commands(self)
        self.motifs = MotifPlacements(self)
        """Where extensions' Motifs are shown (side bar, panel, editor tab, status bar, modal)."""
        register_motif_commands(self)
        if not self.config.loaded:
            self.config.load()
        self.extensions = ExtensionsController(self, enabled=extensions, options=extension_options)
        """Runs extension hosts (only when ``extensions`` is true and the setting allows it: the CLI does)."""
        self._load_themes()
        self._apply_theme(self.settings.theme, announce=False)
        self._apply_keymap()

    # ----------------------------------------------------------------- layout

    @property
    def settings(self) -> Settings:
        """The effective settings."""
        return self.config.settings

    def compose(self) -> ComposeResult:
        explorer_settings = self.settings.explorer
        self._applied_filters = self._explorer_filters()
        self._applied_visible = explorer_settings.visible
        with Horizontal(id="workbench"):
            explorer = Explorer(self._workspace_tree(), icons=explorer_settings.icons, id="explorer")
            explorer.display = explorer_settings.visible
            explorer.styles.width = explorer_settings.width
            yield explorer
            yield from side_views(self, explorer_settings.width)
            with Vertical(id="editor-area"):
                yield TabbedContent(id="editors")
                yield Static(self._welcome_text(), id="welcome")
                yield TerminalPanel(cwd=self.workspace, id="terminal-panel")
        yield StatusBar(id="status")

    async def on_mount(self) -> None:
        try:
            await self._open_workbench()
        finally:
            # After the focus changes queued while opening (focus() and the session's tab are applied by
            # callbacks), so the editor receives what was typed meanwhile; also when opening failed, or typing
            # would stay swallowed.
            self.call_after_refresh(self._release_early_input)

    async def _open_workbench(self) -> None:
        self._ui_ready = True
        self._idle_gc.start(self)
        for path in self._open_paths:
            await self.open_file(path)
        # Without files named on the command line, come back as the last session in this workspace left off.
        session_active = None if self._open_paths else await self.session.restore()
        from symphony_tui.widgets.editor_hotexit import restore_unsaved

        await restore_unsaved(self)  # hot exit: unsaved buffers from a run that ended without saving
        if session_active is not None:
            # After the tab activations that opening each file queued, or one of those would win.
            self.call_after_refresh(self._activate_if_open, session_active)
        self.session.start()
        if not self._open_paths and not self.editors and self.query_one(Explorer).display:
            self.query_one(Explorer).focus()
        self._update_welcome()
        self._report_problems()
        if self._watch_config:
            self.run_worker(self._watch_settings(), name="config-watch", group="config")
        self.call_after_refresh(self.extensions.start)  # hosts spawn after the first frame, in a worker
        self.call_after_refresh(self.workspace_ui.start)  # after the editors took focus

    async def on_unmount(self) -> None:
        self._config_stop.set()
        self._idle_gc.stop()
        for panel in self.query(TerminalPanel):
            panel.close_all()
        await self.extensions.stop()
        await self.lsp.shutdown()
        await self.workspace_ui.stop()

    def _explorer_filters(self) -> tuple[tuple[str, ...], bool, bool]:
        s = self.settings.explorer
        return (tuple(s.exclude), s.show_hidden, s.respect_gitignore)

    def _welcome_text(self) -> str:
        rows = [
            ("workbench.quickOpen", "Go to file"),
            ("workbench.commandPalette", "Show all commands"),
            ("file.new", "New file"),
            ("view.toggleExplorer", "Toggle explorer"),
            ("app.quit", "Quit"),
        ]
        lines = ["[b]Symphony[/b]", f"[dim]{self.workspace.name or self.workspace}[/dim]", ""]
        for command_id, title in rows:
            keys = self.keys_for(command_id)
            if keys:
                lines.append(f"[b]{keys[0]:>14}[/b]  {title}")
        return "\n".join(lines)

    def _update_welcome(self) -> None:
        empty = self.tabs.tab_count == 0  # editors, and other tabs such as diff views
        self.tabs.set_class(empty, "-empty")
        welcome = self.query_one("#welcome", Static)
        welcome.display = empty
        if empty:
            welcome.update(self._welcome_text())

    def _workspace_tree(self) -> WorkspaceTree:
        s = self.settings.explorer
        return WorkspaceTree(
            self.workspace, exclude=list(s.exclude), show_hidden=s.show_hidden, respect_gitignore=s.respect_gitignore
        )

    # ----------------------------------------------------------------- settings

    def _load_themes(self) -> None:
        dirs = [builtin_theme_dir(), self.config.config_dir / "themes"]
        self.theme_specs, problems = discover_themes(dirs)
        for problem in problems:
            self._notify_problem(problem)
        for spec in self.theme_specs.values():
            self.register_theme(app_theme(spec))

    def _apply_theme(self, name: str, *, announce: bool = True) -> None:
        if name not in self.theme_specs:
            self._notify_problem(
                ConfigError(
                    f"unknown theme {name!r} (setting 'theme')",
                    hint="Available: " + ", ".join(sorted(self.theme_specs)),
                    data={"key": "theme"},
                )
            )
            name = DEFAULT_THEME if DEFAULT_THEME in self.theme_specs else next(iter(self.theme_specs))
        self.theme = name
        for editor in self.query(Editor) if self._ui_ready else ():
            self._theme_editor(editor)
        if announce:
            log.info("theme applied", extra={"theme": name})

    def _theme_editor(self, editor: Editor) -> None:
        spec = self.theme_specs.get(self.theme)
        if spec is None:
            return
        if spec.name not in editor.available_themes:
            editor.register_theme(editor_theme(spec))
        editor.theme = spec.name

    def _configure_editor(self, editor: Editor) -> None:
        s = self.settings.editor
        editor.show_line_numbers = s.line_numbers
        editor.soft_wrap = s.soft_wrap
        editor.indent_width = s.tab_size
        editor.indent_type = "spaces" if s.insert_spaces else "tabs"
        editor.highlight_cursor_line = s.highlight_current_line
        editor.show_whitespace = s.show_whitespace
        editor.auto_close_pairs = s.auto_close_pairs
        editor.auto_indent = s.auto_indent
        apply_indentation(editor, editor.editorconfig)

    def _apply_keymap(self) -> None:
        overrides = [Binding(b.key, b.command, dict(b.args)) for b in self.settings.keybindings]
        defaults = [*DEFAULT_KEYBINDINGS, *self.extension_keybindings]
        self.keybindings, problems = resolve_keymap(defaults, overrides, known_commands=self.commands_ids)
        for problem in problems:
            if not self.extensions.defers(problem):
                self._notify_problem(problem)
        textual_bindings = [
            TextualBinding(b.key, f"keybinding({index})", show=False, priority=True)
            for index, b in enumerate(self.keybindings)
        ]
        self._bindings = BindingsMap(textual_bindings)
        if self._ui_ready:
            self.refresh_bindings()

    @property
    def commands_ids(self) -> list[str]:
        """Ids of all registered commands."""
        return [c.id for c in self.commands]

    def keys_for(self, command_id: str) -> list[str]:
        """The keys bound to ``command_id``, for display in the palette."""
        return [b.key for b in self.keybindings if b.command == command_id]

    def apply_settings(self) -> None:
        """Apply the current settings to the live UI (theme, keymap, editors, explorer)."""
        self._apply_theme(self.settings.theme)
        self._apply_keymap()
        for editor in self.query(Editor):
            self._configure_editor(editor)
        explorer = self.query_one(Explorer)
        s = self.settings.explorer
        self.run_worker(self.lsp.apply_settings(), name="lsp-settings", group="lsp")
        if s.visible != self._applied_visible:
            self._applied_visible = s.visible
            self.workspace_ui.set_side_visible(s.visible)
        self.workspace_ui.set_side_width(s.width)
        if explorer.icons != s.icons:
            explorer.icons = s.icons
            explorer.refresh_labels()
        if self.workspace_ui.repo is not None:
            self.run_worker(self.workspace_ui.refresh_git(), name="git-status", group="git", exclusive=True)
        filters = self._explorer_filters()
        if filters != self._applied_filters:
            self._applied_filters = filters
            explorer.model = self._workspace_tree()
            explorer.reload()
            self._file_index = None
        self._report_problems()
        self.extensions.settings_changed()

    def reload_settings(self) -> None:
        """Re-read every settings layer and apply the result."""
        self.config.load()
        self.apply_settings()

    async def _watch_settings(self) -> None:
        def changed(settings: Settings, problems: list[ConfigError]) -> None:
            self.apply_settings()

        try:
            await self.config.watch(changed, stop_event=self._config_stop)
        except Exception:  # the watcher failing must never take the editor down
            log.exception("settings watcher stopped")
            self.notify("Live settings reload stopped; see the log.", severity="warning")

    def _report_problems(self) -> None:
        current = {p.message: p for p in self.config.problems}
        for message, problem in current.items():
            if message not in self._shown_problems:
                self._notify_problem(problem)
        self._shown_problems = set(current)

    def _notify_problem(self, problem: SymphonyError) -> None:
        log.warning("problem: %s", problem.message, extra={"code": problem.name, **problem.data})
        self.notify(f"{problem.message}\n{problem.hint}", title="Settings problem", severity="error", timeout=12)

    # ----------------------------------------------------------------- commands and keys

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, (events.Key, events.Paste, events.MouseDown)):
            self._idle_gc.input_seen()
        if self._early_input is not None and isinstance(event, (events.Key, events.Paste)):
            # Typed while the files named on the command line were opening: before any editor had focus the
            # screen dropped them (vim and helix keep them). They are handed on once the workbench is open.
            self._early_input.append(event)
            event.stop()
            return
        if isinstance(event, events.Key):
            self._key_bursts.key_arrived(event)
            try:
                await super().on_event(event)
            finally:
                self._key_bursts.key_handled(event)
            return
        await super().on_event(event)

    def _display(self, screen: Screen[Any], renderable: RenderableType | None) -> None:
        super()._display(screen, renderable)
        if renderable is not None and not self._batch_count:
            self._idle_gc.frame_painted()

    def _release_early_input(self) -> None:
        """Deliver what was typed during start-up, in order, to whatever has focus now."""
        early, self._early_input = self._early_input or [], None
        for event in early:
            if isinstance(event, events.Key):
                self.post_message(events.Key(event.key, event.character))
            else:
                self.post_message(events.Paste(event.text))

    async def _check_bindings(self, key: str, priority: bool = False) -> bool:
        if priority and not self._keymap and not self.priority_bound(key):
            # Textual builds the whole binding chain (copying and filtering every map up from the focused
            # widget, ~0.2 ms) for every key, typed letters included, to find the priority bindings.
            return False
        return await super()._check_bindings(key, priority)

    def priority_bound(self, key: str) -> bool:
        """Whether any node from the focused widget up binds ``key`` with priority (what Textual's chain keeps is a
        subset of these maps: it only removes keys a widget consumes)."""
        screen = self.screen
        focused = screen.focused
        nodes = focused.ancestors_with_self if focused is not None and not focused.loading else (screen, self)
        for node in nodes:
            for binding in node._bindings.key_to_bindings.get(key, ()):
                if binding.priority:
                    return True
        return False

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # A dialog or picker owns the keyboard: ctrl+s under "changed on disk" stacked a save dialog on it, and
        # alt+left/right switched tabs behind it.
        if action == "keybinding" and isinstance(self.screen, ModalScreen):
            return False
        # While a terminal has focus, keys belong to the program running in it (bash's ctrl+w, vim's ctrl+p);
        # only the chords that leave or toggle the terminal stay Symphony's.
        if action == "keybinding" and isinstance(self.focused, TerminalView) and parameters:
            index = parameters[0]
            if isinstance(index, int) and 0 <= index < len(self.keybindings):
                return self.keybindings[index].command in TERMINAL_ESCAPE_COMMANDS
        # A language popup's keys (alt+up/down cycle signature overloads) win over the keymap while it shows.
        if action == "keybinding" and parameters and isinstance(self.focused, Editor):
            index = parameters[0]
            if (
                isinstance(index, int)
                and 0 <= index < len(self.keybindings)
                and self.lsp.popup_owns_key(self.keybindings[index].key)
            ):
                return False
        # A focused workspace view's own keys win: f2 in the explorer renames the file, not the editor's symbol.
        return not (
            action == "keybinding" and parameters and panel_owns_key(self.focused, self.keybindings, parameters[0])
        )

    async def action_keybinding(self, index: int) -> None:
        if not (0 <= index < len(self.keybindings)):
            return
        binding = self.keybindings[index]
        self.dispatch(binding.command, **dict(binding.args))

    def dispatch(self, command_id: str, **args: Any) -> Worker[Any]:
        """Run a command in its own worker, so it may open dialogs and wait for the user's answer."""
        return self.run_worker(self.run_command(command_id, **args), name=command_id, group="commands")

    async def run_command(self, command_id: str, **args: Any) -> Any:
        """Run a command by id in the current task; failures become a notification, never a crash."""
        try:
            return await self.commands.execute(command_id, **args)
        except SymphonyError as exc:
            self.notify(f"{exc.message}\n{exc.hint}", title="Command failed", severity="error", timeout=8)
            return None

    # ----------------------------------------------------------------- editors

    @property
    def tabs(self) -> TabbedContent:
        """The editor tab container."""
        return self.query_one("#editors", TabbedContent)

    @property
    def editors(self) -> list[Editor]:
        """Open editors in tab order (one per tab: the second pane of a split is not listed; none once the tabs
        are gone while the app closes)."""
        if not self.query("#editors"):
            return []
        return [editor for editor in self.tabs.query(Editor) if not editor.is_split_pane]

    @property
    def active_editor(self) -> Editor | None:
        """The editor in the active tab, if any (None too while the app closes and the tabs are gone)."""
        try:
            tabs = self.tabs
        except NoMatches:
            return None
        # Asked ~8 times a keystroke (status bar, LSP, completion): the editors of the active tab are looked up
        # again only when the tab or anything mounted under the tabs changes (every mount and removal below a
        # widget bumps its node list's update count).
        key = (tabs.active, tabs._nodes._updates)
        if self._active_editors[0] != key:
            pane = tabs.active_pane
            self._active_editors = (key, list(pane.query(Editor)) if pane is not None else [])
        found = self._active_editors[1]
        focused = self.focused
        if isinstance(focused, Editor) and focused in found:
            return focused  # in a split tab, the pane the user is in
        return found[0] if found else None

    def editor_for(self, path: Path) -> Editor | None:
        """The open editor bound to ``path``."""
        target = path.resolve()
        for editor in self.editors:
            if editor.state.path is not None and editor.state.path.resolve() == target:
                return editor
        return None

    async def open_file(self, path: Path) -> Editor | None:
        """Open ``path`` in a tab (or switch to it); unreadable files give a notification, not a crash."""
        path = (self.workspace / path) if not path.is_absolute() else path
        existing = self.editor_for(path)
        if existing is not None:
            self._activate(existing)
            return existing
        try:
            loaded = read_text_file(path, default_encoding=self.settings.editor.default_encoding)
        except EncodingError:
            return await self._open_binary(path)
        except SymphonyError as exc:
            self.notify(f"{exc.message}\n{exc.hint}", title="Cannot open file", severity="error", timeout=8)
            return None
        first_line = loaded.text.split("\n", 1)[0]
        limit_mb = self.settings.editor.large_file_mb
        highlight = loaded.size <= limit_mb * 1_000_000
        if not highlight:
            self.notify(
                f"{path.name} is larger than {limit_mb:g} MB: syntax highlighting is off for it.",
                title="Large file",
            )
        state = FileState(
            path=path,
            language=detect_language(path, first_line),
            encoding=loaded.encoding,
            line_ending=loaded.line_ending,
            has_bom=loaded.has_bom,
            mtime_ns=loaded.mtime_ns,
            encoding_guessed=loaded.encoding_guessed,
            line_endings=loaded.line_endings,
            highlight=highlight,
        )
        if loaded.encoding_guessed:
            self.notify(
                f"{path.name} is not valid UTF-8; opened as {loaded.encoding}.",
                title="Encoding guessed",
                severity="warning",
            )
        editor = await self._add_editor(loaded.text, state)
        editor.editorconfig = load_editorconfig(self, path)
        apply_indentation(editor, editor.editorconfig)
        self._remember(path)
        return editor

    async def _open_binary(self, path: Path) -> Editor | None:
        """A binary file opens as a read-only hex view; its bytes are never written back."""
        from core.workspace.hexdump import read_hex_view

        try:
            text, size, truncated = read_hex_view(path)
            mtime_ns = path.stat().st_mtime_ns
        except OSError as exc:
            self.notify(f"{path}: {exc.strerror or exc}", title="Cannot open file", severity="error", timeout=8)
            return None
        shown = f"the first {len(text.splitlines()) * 16:,} of {size:,} bytes" if truncated else f"{size:,} bytes"
        self.notify(f"{path.name} is a binary file: showing {shown} as hex, read-only.", title="Binary file")
        state = FileState(path=path, language="text", encoding="binary", mtime_ns=mtime_ns, binary=True)
        editor = await self._add_editor(text, state)
        self._remember(path)
        return editor

    async def new_file(self) -> Editor:
        """Open an empty untitled editor."""
        return await self._add_editor("", FileState(path=None))

    async def _add_editor(self, text: str, state: FileState) -> Editor:
        self._editor_counter += 1
        pane_id = f"editor-{self._editor_counter}"
        spec = self.theme_specs.get(self.theme)
        editor = Editor(text, state, theme="css", id=f"{pane_id}-text")
        if spec is not None:
            editor.register_theme(editor_theme(spec))
            editor.theme = spec.name
        self._configure_editor(editor)
        pane = TabPane(editor.display_name, editor, id=pane_id)
        # One paint shows the tab already focused: a user who types on seeing the tab must reach the new editor.
        with self.batch_update():
            await self.tabs.add_pane(pane)
            self._update_welcome()
            self.tabs.active = pane_id
            editor.focus()
        self._update_status()
        self.extensions.document_opened(editor)
        self.lsp.attach(editor)
        return editor

    def _pane_of(self, editor: Editor) -> TabPane:
        pane = editor.parent
        assert isinstance(pane, TabPane)
        return pane

    def _activate(self, editor: Editor) -> None:
        pane = self._pane_of(editor)
        assert pane.id is not None
        self.tabs.active = pane.id
        editor.focus()

    def _activate_if_open(self, editor: Editor) -> None:
        if editor.is_attached:
            self._activate(editor)

    def _remember(self, path: Path) -> None:
        rel = self.workspace_relative(path)
        if rel is None:
            return
        if rel in self._recent:
            self._recent.remove(rel)
        self._recent.insert(0, rel)
        del self._recent[50:]

    def _refresh_tab_label(self, editor: Editor) -> None:
        pane = self._pane_of(editor)
        assert pane.id is not None
        label = ("● " if editor.dirty else "") + editor.display_name
        self.tabs.get_tab(pane.id).label = label

    async def save_editor(self, editor: Editor, *, path: Path | None = None, force: bool = False) -> bool:
        """Write the editor's text to disk; returns False (after telling the user) if it could not."""
        if editor.state.binary:
            self.notify(
                f"{editor.display_name} is shown as a read-only hex view; it is never written back.",
                title="Not saved",
                severity="warning",
            )
            return False
        target = path or editor.state.path
        if target is None:
            from symphony_tui.commands.builtin import prompt_save_path

            target = await prompt_save_path(self, editor)
            if target is None:
                return False
        await self.lsp.format_before_save(editor)
        text = editor.text
        config = editor.editorconfig if target == editor.state.path else load_editorconfig(self, target)
        if not target.exists():
            format_new_file(editor, config)
        trim, final_newline = whitespace_rules(self.settings, config)
        if trim:
            text = "\n".join(line.rstrip() for line in text.split("\n"))
        if final_newline and text and not text.endswith("\n"):
            text += "\n"
        expected = None if (force or target != editor.state.path) else editor.state.mtime_ns
        try:
            saved = save_text_file(
                target,
                text,
                encoding=editor.state.encoding,
                line_ending=editor.state.line_ending,
                has_bom=editor.state.has_bom,
                line_endings=editor.line_endings,
                expected_mtime_ns=expected,
            )
        except SymphonyError as exc:
            if exc.name == "CONFLICT":
                choice = await self.push_screen_wait(
                    ChoiceDialog(
                        f"{target.name} changed on disk since it was opened",
                        "Overwrite it with your version, or cancel and keep editing?",
                        [Choice("overwrite", "Overwrite", "o", "warning"), Choice("cancel", "Cancel", "c")],
                    )
                )
                if choice == "overwrite":
                    return await self.save_editor(editor, path=target, force=True)
                return False
            self.notify(f"{exc.message}\n{exc.hint}", title="Save failed", severity="error", timeout=10)
            return False
        if text != editor.text:
            editor.load_text(text)
        new_state = editor.state.saved_as(target, saved.mtime_ns)
        if editor.state.path != target:
            new_state = replace(new_state, language=detect_language(target, text.split("\n", 1)[0]))
            editor.editorconfig = config
            apply_indentation(editor, config)
        editor.mark_saved(text, new_state)
        self.extensions.document_saved(editor)
        self.lsp.saved(editor)
        self._refresh_tab_label(editor)
        self._update_status()
        self._remember(target)
        self._file_index = None
        return True

    async def close_editor(self, editor: Editor) -> bool:
        """Close a tab, asking first if it has unsaved changes. Returns False if the user cancelled."""
        if editor.is_split_pane:
            from symphony_tui.widgets.editor_commands import close_split_pane

            await close_split_pane(editor)  # the text stays open in the first pane: nothing to ask
            return True
        if editor.dirty:
            choice = await self.push_screen_wait(
                ChoiceDialog(
                    f"Save changes to {editor.display_name}?",
                    "Your changes will be lost if you don't save them.",
                    [
                        Choice("save", "Save", "s", "primary"),
                        Choice("discard", "Don't Save", "d", "error"),
                        Choice("cancel", "Cancel", "c"),
                    ],
                )
            )
            if choice == "cancel" or (choice == "save" and not await self.save_editor(editor)):
                return False
        self.lsp.detach(editor)
        pane = self._pane_of(editor)
        assert pane.id is not None
        self.extensions.document_closed(editor)
        await self.tabs.remove_pane(pane.id)
        self._update_welcome()
        remaining = self.active_editor
        if remaining is not None:
            remaining.focus()
        self._update_status()
        return True

    async def request_quit(self) -> None:
        """Quit, asking about unsaved files first; text is never lost silently."""
        dirty = [e for e in self.editors if e.dirty]
        if dirty:
            names = "\n".join(f"  • {self.shown_path(e.state.path) if e.state.path else e.display_name}" for e in dirty)
            count = f"{len(dirty)} file{'s' if len(dirty) > 1 else ''}"
            choice = await self.push_screen_wait(
                ChoiceDialog(
                    f"Save changes to {count} before quitting?",
                    names,
                    [
                        Choice("save", "Save All", "s", "primary"),
                        Choice("discard", "Discard", "d", "error"),
                        Choice("cancel", "Cancel", "c"),
                    ],
                )
            )
            if choice == "cancel":
                return
            if choice == "save":
                for editor in dirty:
                    self._activate(editor)
                    if not await self.save_editor(editor):
                        return
        # The user saved or chose to discard: nothing is left for hot exit to bring back. (Done here, not left to
        # the editors' unmount, which runs while the app tears down and may no longer reach the workspace.)
        for editor in self.editors:
            editor.discard_backup()
        self.session.save_if_changed()
        await self.extensions.stop()  # extensions deactivate while the workbench they talk to still exists
        self.exit()

    async def action_quit(self) -> None:
        self.dispatch("app.quit")

    # ----------------------------------------------------------------- status

    def workspace_relative(self, path: Path) -> str | None:
        """``path`` relative to the workspace, or None when it lies outside."""
        try:
            return str(path.resolve().relative_to(self.workspace))
        except ValueError:
            return None

    def shown_path(self, path: Path) -> str:
        """How a path is shown to the user: relative to the workspace when inside it."""
        return self.workspace_relative(path) or str(path)

    """The active editor's path and how the status bar shows it (resolving a path per keystroke costs syscalls)."""

    def _update_status(self) -> None:
        editor = self.active_editor
        status = self.query_one(StatusBar)
        if editor is None:
            status.info = StatusInfo()
            return
        state = editor.state
        if state.path is None:
            shown = "Untitled"
        elif self._status_path[0] == state.path:
            shown = self._status_path[1]  # resolving the path asks the file system, on every keystroke
        else:
            shown = self.shown_path(state.path)
            self._status_path = (state.path, shown)
        row, col = editor.cursor_location
        status.info = StatusInfo(
            path=shown,
            line=row + 1,
            column=col + 1,
            language=language_label(state.language),
            encoding=state.encoding + (" (guessed)" if state.encoding_guessed else ""),
            line_ending=state.line_ending.label,
            dirty=editor.dirty,
        )

    @on(TextArea.SelectionChanged)
    def _selection_changed(self, event: TextArea.SelectionChanged) -> None:
        if event.text_area is self.active_editor:
            self._update_status()
            if isinstance(event.text_area, Editor):
                self.lsp.cursor_moved(event.text_area)
                self.extensions.selection_changed(event.text_area)

    @on(Editor.LanguageChanged)
    @on(Editor.DirtyChanged)
    def _dirty_changed(self, event: Editor.DirtyChanged | Editor.LanguageChanged) -> None:
        if not isinstance(event.editor.parent, TabPane):
            return  # its tab was closed (or the app is closing) while the message was on its way
        self._refresh_tab_label(event.editor)
        self._update_status()

    @on(TabbedContent.TabActivated, "#editors")
    def _tab_activated(self, event: TabbedContent.TabActivated) -> None:
        self._update_status()
        self.extensions.active_changed(self.active_editor)
        self.lsp.close_popups()
        self.lsp.refresh_status()

    @on(TextArea.Changed)
    def _text_changed(self, event: TextArea.Changed) -> None:
        if isinstance(event.text_area, Editor):
            self.extensions.document_changed(event.text_area)

    @on(StatusBar.ItemClicked)
    def _status_item_clicked(self, event: StatusBar.ItemClicked) -> None:
        if event.spec.command:
            self.dispatch(event.spec.command)

    @on(LocationList.Selected)
    async def _open_location(self, event: LocationList.Selected) -> None:
        await self.lsp.reveal(event.row.path, event.row.line, event.row.column)

    @on(Explorer.OpenFile)
    async def _open_from_explorer(self, event: Explorer.OpenFile) -> None:
        await self.open_file(event.path)

    # ----------------------------------------------------------------- quick open support

    @work(thread=True, exclusive=True, group="file-index")
    def index_files(self) -> list[str]:
        """List workspace files (off the UI loop) for quick open."""
        from core.workspace.listing import iter_workspace_relpaths

        s = self.settings.explorer
        files = list(iter_workspace_relpaths(self.workspace, s.exclude, s.respect_gitignore))
        self._file_index = files
        return files

    @property
    def recent_files(self) -> list[str]:
        """Workspace-relative paths of recently opened files, most recent first."""
        return list(self._recent)

    @property
    def file_index(self) -> list[str] | None:
        """The cached workspace file list (None until indexed)."""
        return self._file_index
