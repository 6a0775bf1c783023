"""Which program a new terminal runs, and the environment it gets."""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping, Sequence

TERM = "xterm-256color"
"""What we tell programs we are: libghostty-vt implements xterm's sequences, and every system has this terminfo."""

# Variables that would override the PTY's real size or leak the host terminal's identity into the child.
_DROPPED = ("LINES", "COLUMNS", "TERMCAP", "TERM_PROGRAM_VERSION", "VTE_VERSION", "KITTY_WINDOW_ID", "TMUX")


def shell_argv(configured: Sequence[str] | None = None, environ: Mapping[str, str] | None = None) -> list[str]:
    """The configured shell command, else ``$SHELL`` (``%COMSPEC%`` on Windows), else ``/bin/sh``."""
    if configured:
        return list(configured)
    env = os.environ if environ is None else environ
    if sys.platform == "win32":  # pragma: no cover - Windows only
        return [env.get("COMSPEC", "cmd.exe")]
    shell = env.get("SHELL", "")
    if not shell:
        try:
            import pwd

            shell = pwd.getpwuid(os.getuid()).pw_shell
        except (ImportError, KeyError):
            shell = ""
    return [shell or "/bin/sh"]


def terminal_environment(
    base: Mapping[str, str] | None = None, extra: Mapping[str, str] | None = None
) -> dict[str, str]:
    """``base`` (default: this process's environment) with TERM=xterm-256color, COLORTERM=truecolor, then ``extra``."""
    env = dict(os.environ if base is None else base)
    for name in _DROPPED:
        env.pop(name, None)
    env["TERM"] = TERM
    env["COLORTERM"] = "truecolor"
    env["TERM_PROGRAM"] = "Symphony"
    if extra:
        env.update(extra)
    return env
