"""Symphony's default keybindings, as data. Users override them with `keybindings` in settings.

Keys are chosen to reach the app in common terminals: ctrl+tab and ctrl+shift+letter usually do not arrive,
so each such binding has a fallback that does (ctrl+pageup/pagedown, alt+left/right, F1).
"""

from __future__ import annotations

from core.keymap import Binding

DEFAULT_KEYBINDINGS: tuple[Binding, ...] = (
    Binding("ctrl+s", "file.save"),
    Binding("ctrl+n", "file.new"),
    Binding("ctrl+q", "app.quit"),
    Binding("ctrl+w", "editor.close"),
    Binding("ctrl+pagedown", "editor.next"),
    Binding("ctrl+pageup", "editor.previous"),
    Binding("alt+right", "editor.next"),
    Binding("alt+left", "editor.previous"),
    Binding("ctrl+b", "view.toggleExplorer"),
    Binding("ctrl+p", "workbench.quickOpen"),
    Binding("f1", "workbench.commandPalette"),
    Binding("ctrl+shift+p", "workbench.commandPalette"),
    Binding("ctrl+g", "editor.gotoLine"),
    Binding("alt+z", "view.toggleSoftWrap"),
    Binding("f6", "view.focusNext"),
    # ctrl+` is what users press; most terminals send it as ctrl+@ (NUL, also ctrl+space).
    Binding("ctrl+@", "view.toggleTerminal"),
    Binding("ctrl+grave_accent", "view.toggleTerminal"),
    # Terminal chords mostly matter while a terminal has focus, where only escape commands pass; ctrl+shift+x
    # rarely arrives, so each has an alt fallback.
    Binding("ctrl+shift+f", "terminal.find"),
    Binding("alt+shift+f", "terminal.find"),
    Binding("ctrl+shift+c", "terminal.copySelection"),
    Binding("alt+shift+c", "terminal.copySelection"),
    Binding("ctrl+shift+5", "terminal.split"),
    Binding("alt+backslash", "terminal.split"),
    # Editing. ctrl+/ arrives as ctrl+_ in most terminals; alt+shift+letter and ctrl+shift+letter often do not
    # arrive at all, so each has a fallback.
    Binding("ctrl+f", "editor.find"),
    Binding("ctrl+h", "editor.replace"),
    Binding("ctrl+r", "editor.replace"),
    Binding("ctrl+d", "editor.addNextOccurrence"),
    Binding("ctrl+backslash", "editor.split"),
    Binding("ctrl+shift+l", "editor.selectAllOccurrences"),
    Binding("alt+shift+l", "editor.selectAllOccurrences"),
    Binding("ctrl+alt+up", "editor.addCursorAbove"),
    Binding("ctrl+alt+down", "editor.addCursorBelow"),
    Binding("alt+up", "editor.moveLinesUp"),
    Binding("alt+down", "editor.moveLinesDown"),
    Binding("alt+shift+down", "editor.copyLinesDown"),
    Binding("alt+shift+up", "editor.copyLinesUp"),
    Binding("ctrl+slash", "editor.toggleLineComment"),
    Binding("ctrl+underscore", "editor.toggleLineComment"),
    # Language servers. ctrl+space usually arrives as ctrl+@ (the terminal toggle), so alt+/ also completes;
    # ctrl+. rarely arrives, so alt+enter also opens code actions; alt+shift+f is taken by the terminal's find.
    Binding("ctrl+space", "editor.triggerSuggest"),
    Binding("alt+slash", "editor.triggerSuggest"),
    Binding("f12", "editor.goToDefinition"),
    Binding("shift+f12", "editor.findReferences"),
    Binding("ctrl+f12", "editor.goToImplementation"),
    # VS Code has no default keys for declaration and type definition; alt+f12 and ctrl+shift+f12 are its peek
    # keys (Symphony has no peek). Terminals that send alt as an ESC prefix turn alt+f12 into escape, f12, and
    # macOS ones keep modified F-keys, so each also has Helix's mnemonic (gD, gy, gi) as an alt+letter.
    Binding("alt+f12", "editor.goToDeclaration"),
    Binding("alt+d", "editor.goToDeclaration"),
    Binding("ctrl+shift+f12", "editor.goToTypeDefinition"),
    Binding("alt+y", "editor.goToTypeDefinition"),
    Binding("alt+i", "editor.goToImplementation"),
    Binding("f2", "editor.rename"),
    Binding("ctrl+shift+i", "editor.formatDocument"),
    Binding("alt+shift+i", "editor.formatDocument"),
    Binding("ctrl+full_stop", "editor.codeActions"),
    Binding("alt+enter", "editor.codeActions"),
    Binding("alt+k", "editor.showHover"),
    Binding("ctrl+shift+m", "lsp.showProblems"),
    Binding("alt+m", "lsp.showProblems"),
    # The side bar's views, like VS Code's activity bar. ctrl+shift+letter arrives as ctrl+letter or not at all
    # and alt+digit as odd characters in common terminals (checked in tmux), so each view has an alt+letter.
    Binding("ctrl+shift+e", "view.showExplorer"),
    Binding("alt+e", "view.showExplorer"),
    Binding("alt+s", "view.showSearch"),  # alt+f arrives as ctrl+right (readline word motion)
    Binding("ctrl+shift+g", "view.showSourceControl"),
    Binding("alt+g", "view.showSourceControl"),
    Binding("alt+t", "view.showOutline"),
    Binding("ctrl+shift+o", "workbench.gotoSymbol"),
    Binding("alt+o", "workbench.gotoSymbol"),
    Binding("ctrl+t", "workbench.gotoWorkspaceSymbol"),
)
