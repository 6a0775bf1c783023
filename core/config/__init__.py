"""Symphony's settings: load TOML/JSON/YAML layers, merge (defaults < user < workspace < CLI), validate, watch.

Loading never fails on bad input: every problem is a ConfigError in ``ConfigService.problems`` and the
settings are built from whatever is valid.
"""

from core.config.formats import SETTINGS_FILE_NAMES, ConfigFormat
from core.config.layers import CONFIG_DIR_ENV, LayerKind, default_config_dir, workspace_settings_dir
from core.config.loader import LoadResult, load_settings
from core.config.overrides import parse_cli_override
from core.config.render import render_effective, settings_json_schema
from core.config.schema import (
    EditorSettings,
    ExplorerSettings,
    ExtensionsSettings,
    KeyBinding,
    Settings,
    TerminalSettings,
)
from core.config.service import ConfigService, OnChange

__all__ = [
    "CONFIG_DIR_ENV",
    "SETTINGS_FILE_NAMES",
    "ConfigFormat",
    "ConfigService",
    "EditorSettings",
    "ExplorerSettings",
    "ExtensionsSettings",
    "KeyBinding",
    "LayerKind",
    "LoadResult",
    "OnChange",
    "Settings",
    "TerminalSettings",
    "default_config_dir",
    "load_settings",
    "parse_cli_override",
    "render_effective",
    "settings_json_schema",
    "workspace_settings_dir",
]
