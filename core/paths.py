"""Per-user directories, each overridable by an environment variable so tests and CI never touch the real ones.

The override variables are ``SYMPHONY_CONFIG_DIR``, ``SYMPHONY_LOG_DIR``, ``SYMPHONY_DATA_DIR``,
``SYMPHONY_CACHE_DIR``, ``SYMPHONY_STATE_DIR`` and ``SYMPHONY_RUNTIME_DIR``; an empty value counts as unset.
Only :func:`runtime_dir` creates its directory (the IPC layer needs it private before it binds a socket);
the others are returned as paths and created by whoever writes there, via :func:`ensure_dir`.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import stat
import warnings
from pathlib import Path
from typing import TYPE_CHECKING

from core.errors import PermissionDeniedError, SymphonyIOError

if TYPE_CHECKING:
    from platformdirs import PlatformDirs

APP_NAME = "symphony"

ENV_CONFIG_DIR = "SYMPHONY_CONFIG_DIR"
ENV_LOG_DIR = "SYMPHONY_LOG_DIR"
ENV_DATA_DIR = "SYMPHONY_DATA_DIR"
ENV_CACHE_DIR = "SYMPHONY_CACHE_DIR"
ENV_STATE_DIR = "SYMPHONY_STATE_DIR"
ENV_RUNTIME_DIR = "SYMPHONY_RUNTIME_DIR"

PRIVATE_MODE = 0o700
"""Mode of the runtime directory: sockets and tokens there must be reachable by this user only."""

_POSIX = os.name == "posix"


def _platform_dirs() -> PlatformDirs:
    # Imported lazily: platformdirs costs ~10 ms and most start-up paths only need one override.
    from platformdirs import PlatformDirs

    return PlatformDirs(APP_NAME, appauthor=False)


def _from_env(variable: str) -> Path | None:
    value = os.environ.get(variable, "")
    return Path(value).expanduser().absolute() if value else None


def config_dir() -> Path:
    """Where user settings live (``$SYMPHONY_CONFIG_DIR`` or the platform's user config dir)."""
    return _from_env(ENV_CONFIG_DIR) or Path(_platform_dirs().user_config_dir)


def log_dir() -> Path:
    """Where ``symphony.log`` is written (``$SYMPHONY_LOG_DIR`` or the platform's user log dir)."""
    return _from_env(ENV_LOG_DIR) or Path(_platform_dirs().user_log_dir)


def data_dir() -> Path:
    """Where installed extensions and other durable user data live (``$SYMPHONY_DATA_DIR``)."""
    return _from_env(ENV_DATA_DIR) or Path(_platform_dirs().user_data_dir)


def cache_dir() -> Path:
    """Where rebuildable data (indexes, parsed grammars) lives (``$SYMPHONY_CACHE_DIR``)."""
    return _from_env(ENV_CACHE_DIR) or Path(_platform_dirs().user_cache_dir)


def state_dir() -> Path:
    """Where session state (open files, history) lives (``$SYMPHONY_STATE_DIR``)."""
    return _from_env(ENV_STATE_DIR) or Path(_platform_dirs().user_state_dir)


def runtime_dir_path() -> Path:
    """Where sockets go, without creating or checking anything (``symphony doctor`` inspects it read-only)."""
    override = _from_env(ENV_RUNTIME_DIR)
    if override is not None:
        return override
    # platformdirs warns when XDG_RUNTIME_DIR is missing and falls back to a private temp dir; that is
    # expected on many systems and must not reach the terminal before logging is configured.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return Path(_platform_dirs().user_runtime_dir)


def runtime_dir() -> Path:
    """The per-user runtime dir for IPC sockets, created if missing and forced to mode 0700 on POSIX.

    Raises PermissionDeniedError if the directory belongs to another user or its mode cannot be fixed:
    a socket there could be reached or replaced by someone else.
    """
    path = runtime_dir_path()
    ensure_dir(path, mode=PRIVATE_MODE)
    if _POSIX:
        info = path.stat()
        if info.st_uid != os.getuid():
            raise PermissionDeniedError(
                f"runtime dir {path} belongs to uid {info.st_uid}, not to you (uid {os.getuid()})",
                hint=f"Remove it or set {ENV_RUNTIME_DIR} to a directory you own.",
                data={"path": str(path)},
            )
    return path


def ensure_dir(path: Path, mode: int | None = None) -> Path:
    """Create ``path`` (and parents) if missing; with ``mode`` on POSIX, also fix the mode of an existing dir.

    ``mkdir`` alone is not enough for private dirs: the umask trims the requested mode and an existing
    directory keeps whatever mode it had, so the mode is checked and set explicitly.
    """
    try:
        if mode is None:
            path.mkdir(parents=True, exist_ok=True)
        else:
            # Ancestors we create get the same mode: a private dir inside a world-readable one we just made
            # (e.g. the /tmp/runtime-UID fallback) would leak its existence and name.
            for missing in reversed(_missing_ancestors(path)):
                missing.mkdir(mode=mode, exist_ok=True)
    except FileExistsError:
        pass  # a file is in the way: reported just below, with a clearer message
    except OSError as exc:
        raise SymphonyIOError(
            f"cannot create directory {path}: {exc.strerror or exc}",
            hint="Check the permissions of its parent directory, or override the location with its environment "
            "variable (SYMPHONY_*_DIR).",
            data={"path": str(path)},
        ) from exc
    if not path.is_dir():
        raise SymphonyIOError(
            f"{path} exists but is not a directory",
            hint="Move the file out of the way or point Symphony at another directory.",
            data={"path": str(path)},
        )
    if mode is not None and _POSIX:
        current = stat.S_IMODE(path.stat().st_mode)
        if current != mode:
            try:
                path.chmod(mode)
            except OSError as exc:
                raise PermissionDeniedError(
                    f"{path} has mode {current:04o} and cannot be changed to {mode:04o}: {exc.strerror or exc}",
                    hint=f"Run `chmod {mode:o} {path}` or choose another directory.",
                    data={"path": str(path)},
                ) from exc
    return path


def write_private_file(target: Path, payload: bytes) -> None:
    """Replace ``target`` by ``payload`` atomically and readable by the user only: a temp file in the same folder,
    written in full and fsynced, then renamed over it. A crash never leaves a truncated file; on OSError no temp
    file is left behind and the error propagates for the caller to name what was being saved."""
    temp = target.with_name(f".{target.name}.{secrets.token_hex(4)}.tmp")
    try:
        fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            view = memoryview(payload)
            while view:
                view = view[os.write(fd, view) :]
            os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(temp, target)
    except OSError:
        with contextlib.suppress(OSError):
            temp.unlink()
        raise


def _missing_ancestors(path: Path) -> list[Path]:
    """``path`` and its ancestors that do not exist yet, deepest first."""
    missing: list[Path] = []
    while not (path.exists() or path.is_symlink()) and path.parent != path:
        missing.append(path)
        path = path.parent
    return missing


__all__ = [
    "APP_NAME",
    "ENV_CACHE_DIR",
    "ENV_CONFIG_DIR",
    "ENV_DATA_DIR",
    "ENV_LOG_DIR",
    "ENV_RUNTIME_DIR",
    "ENV_STATE_DIR",
    "PRIVATE_MODE",
    "cache_dir",
    "config_dir",
    "data_dir",
    "ensure_dir",
    "log_dir",
    "runtime_dir",
    "runtime_dir_path",
    "state_dir",
]
