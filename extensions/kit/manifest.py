"""Symphony.toml, an extension's manifest: the typed model and the loader that words every problem.

An invalid manifest is a ConfigError naming the file, the key and what was expected; callers skip that one
extension and keep going, so a broken manifest never stops the editor.
"""

from __future__ import annotations

import re
import tomllib
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator
from pydantic import ValidationError as PydanticValidationError

from core.errors import ConfigError
from core.types.base import EntityId
from core.types.version import Version
from extensions.kit.versions import VersionRange

MANIFEST_NAME = "Symphony.toml"
"""The manifest's file name at the root of an extension folder or package."""

MAX_MANIFEST_BYTES = 256 * 1024
"""A manifest is a few KiB; anything this large is not one (and must not be read whole into memory)."""


class ExtensionType(StrEnum):
    """The Orchestra Kit's kinds of extension."""

    INSTRUMENT = "instrument"
    """AI/ML models and tools."""
    OPERATOR = "operator"
    """Workflows and commands."""
    MOTIF = "motif"
    """UI panels drawn from a VDOM."""


class Capability(StrEnum):
    """What an extension may ask core to do on its behalf; each is granted by the user, per extension."""

    FS_READ = "fs.read"
    FS_WRITE = "fs.write"
    NET = "net"
    PROCESS_SPAWN = "process.spawn"
    TERMINAL = "terminal"
    CLIPBOARD = "clipboard"
    AI_MODELS = "ai.models"
    WORKFLOWS = "workflows"


_ACTIVATION = re.compile(r"^(onStartup|\*)$|^(onCommand|onLanguage|workspaceContains|onMotif):(.+)$")
_TOML_POSITION = re.compile(r"\s*\(at line (\d+), column (\d+)\)")
_ENTRY = re.compile(r"^[A-Za-z_]\w*(\.[A-Za-z_]\w*)*:[A-Za-z_]\w*$")
ACTIVATION_HELP = "use 'onStartup', 'onCommand:ID', 'onLanguage:ID', 'workspaceContains:GLOB' or 'onMotif:ID'"


class _Strict(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True)


class ActivationEvent(_Strict):
    """When the host loads the extension: ``kind`` and, except for onStartup, an ``argument``."""

    kind: Literal["onStartup", "onCommand", "onLanguage", "workspaceContains", "onMotif"]
    argument: str = ""

    @classmethod
    def parse(cls, text: str) -> ActivationEvent:
        """Parse ``onCommand:hello.say``; raises ValueError naming the accepted forms."""
        match = _ACTIVATION.match(text) if isinstance(text, str) else None
        if match is None:
            raise ValueError(f"{text!r} is not an activation event: {ACTIVATION_HELP}")
        if match.group(1):
            return cls(kind="onStartup")
        return cls(kind=match.group(2), argument=match.group(3))

    def __str__(self) -> str:
        return self.kind if self.kind == "onStartup" else f"{self.kind}:{self.argument}"


class CommandContribution(_Strict):
    """A command the extension adds to the palette and the command registry."""

    id: EntityId
    title: str = Field(min_length=1)
    category: str = ""


class KeybindingContribution(_Strict):
    """A default key for a command; users can rebind it in settings."""

    key: str = Field(min_length=1)
    command: EntityId
    when: str = ""
    """Must stay empty for now: context clauses are refused rather than silently ignored."""

    @model_validator(mode="after")
    def _no_when_clause(self) -> KeybindingContribution:
        if self.when:
            raise ValueError(
                f"keybinding {self.key!r} has when = {self.when!r}, but context ('when') clauses are not supported"
                " yet; remove it (the key then works everywhere except in terminals) or leave the key to the user"
            )
        return self


class SettingContribution(_Strict):
    """One setting of the extension's settings section, with a JSON-schema-like type and a default."""

    type: Literal["string", "integer", "number", "boolean", "array", "object"]
    default: Any = None
    description: str = ""
    enum: list[Any] | None = None

    @model_validator(mode="after")
    def _default_matches_type(self) -> SettingContribution:
        if self.default is not None and (problem := self.problem_with(self.default)) is not None:
            raise ValueError(f"default {problem}")
        return self

    def problem_with(self, value: Any) -> str | None:
        """Why ``value`` does not fit this setting ("3 is not of type string"), or None when it does."""
        checks: dict[str, tuple[type, ...]] = {
            "string": (str,),
            "integer": (int,),
            "number": (int, float),
            "boolean": (bool,),
            "array": (list,),
            "object": (dict,),
        }
        wrong_bool = isinstance(value, bool) and self.type in ("integer", "number")
        if wrong_bool or not isinstance(value, checks[self.type]):
            return f"{value!r} is not of type {self.type}"
        if self.enum is not None and value not in self.enum:
            return f"{value!r} is not one of the enum values {self.enum}"
        return None


class ThemeContribution(_Strict):
    """A colour theme file shipped inside the extension."""

    id: EntityId
    path: str = Field(min_length=1)


class MotifContribution(_Strict):
    """A panel the extension draws (its content comes from the VDOM)."""

    id: EntityId
    title: str = Field(min_length=1)
    location: Literal["sidebar", "panel", "editor", "statusbar", "modal"] = "panel"
    """Where it is placed: the side bar, a bottom panel tab, an editor-area tab, the status bar, or a modal."""


class LanguageContribution(_Strict):
    """A language the extension teaches Symphony to recognise by file extension."""

    id: EntityId
    extensions: list[Annotated[str, Field(pattern=r"^\.[^/\\\s]+$")]] = []
    aliases: list[str] = []


class Contributes(_Strict):
    """Everything the extension adds to the editor, known before any of its code runs."""

    commands: list[CommandContribution] = []
    keybindings: list[KeybindingContribution] = []
    settings: dict[str, SettingContribution] = {}
    themes: list[ThemeContribution] = []
    motifs: list[MotifContribution] = []
    languages: list[LanguageContribution] = []

    @field_validator("commands", "themes", "motifs", "languages")
    @classmethod
    def _unique_ids(cls, items: list[Any]) -> list[Any]:
        seen: set[str] = set()
        for item in items:
            if item.id in seen:
                raise ValueError(f"id {item.id!r} is contributed twice")
            seen.add(item.id)
        return items


class Manifest(_Strict):
    """A parsed, validated Symphony.toml."""

    id: EntityId
    """Globally unique, e.g. ``symphony.hello``; also the install folder's name."""
    name: str = Field(min_length=1)
    version: Version
    type: ExtensionType
    entry: str
    """``module:Class`` relative to the extension folder, e.g. ``hello:HelloExtension``."""
    description: str = ""
    api: int = Field(default=1, ge=1)
    """The SDK api_level the extension was written against."""
    activation: list[ActivationEvent] = []
    capabilities: list[Capability] = []
    dependencies: dict[EntityId, VersionRange] = {}
    contributes: Contributes = Contributes()

    @field_validator("activation", mode="before")
    @classmethod
    def _parse_events(cls, value: Any) -> Any:
        if isinstance(value, list):
            return [ActivationEvent.parse(v) if isinstance(v, str) else v for v in value]
        return value

    @field_validator("entry")
    @classmethod
    def _entry_form(cls, value: str) -> str:
        if not _ENTRY.match(value):
            raise ValueError("expected 'module:Class' relative to the extension folder, e.g. 'hello:HelloExtension'")
        return value

    @field_validator("capabilities")
    @classmethod
    def _no_duplicate_capabilities(cls, value: list[Capability]) -> list[Capability]:
        return list(dict.fromkeys(value))

    @model_validator(mode="after")
    def _consistent(self) -> Manifest:
        if self.id in self.dependencies:
            raise ValueError(f"dependencies: the extension {self.id!r} cannot depend on itself")
        commands = {c.id for c in self.contributes.commands}
        motifs = {m.id for m in self.contributes.motifs}
        for event in self.activation:
            if event.kind == "onCommand" and event.argument not in commands:
                raise ValueError(
                    f"activation: {event} names a command that contributes.commands does not declare "
                    f"(declared: {sorted(commands) or 'none'})"
                )
            if event.kind == "onMotif" and event.argument not in motifs:
                raise ValueError(f"activation: {event} names a motif that contributes.motifs does not declare")
        return self

    @property
    def entry_module(self) -> str:
        """The module part of ``entry``."""
        return self.entry.partition(":")[0]

    @property
    def entry_class(self) -> str:
        """The class part of ``entry``."""
        return self.entry.partition(":")[2]


def parse_manifest(text: str, source: Path | str = MANIFEST_NAME) -> Manifest:
    """Validate manifest ``text``; ``source`` names it in errors (a path, or ``archive.symph!Symphony.toml``)."""
    where = str(source)
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        # Python < 3.14 only puts the position in the message: "Invalid value (at line 2, column 8)".
        found = _TOML_POSITION.search(str(exc))
        line, column = (int(found.group(1)), int(found.group(2))) if found else (None, None)
        reason = _TOML_POSITION.sub("", str(exc)).strip()
        raise ConfigError(
            f"{where}{f':{line}:{column}' if found else ''}: not valid TOML: {reason}",
            hint="Fix the TOML syntax; the extension is skipped until then.",
            data={"file": where, "line": line, "column": column},
        ) from None
    try:
        return Manifest.model_validate(raw)
    except PydanticValidationError as exc:
        raise manifest_error(where, exc, raw) from None


def load_manifest(folder_or_file: Path) -> Manifest:
    """Read and validate ``Symphony.toml`` in an extension folder (or the file itself)."""
    path = folder_or_file / MANIFEST_NAME if folder_or_file.is_dir() else folder_or_file
    try:
        with path.open("rb") as handle:
            raw = handle.read(MAX_MANIFEST_BYTES + 1)
    except FileNotFoundError:
        raise ConfigError(
            f"{path}: no {MANIFEST_NAME} here",
            hint=f"An extension folder needs a {MANIFEST_NAME} at its root; `symphony ext new NAME` writes one.",
            data={"file": str(path)},
        ) from None
    except OSError as exc:
        raise ConfigError(
            f"{path}: cannot read the manifest: {exc.strerror or exc}",
            hint="Check the file's permissions.",
            data={"file": str(path)},
        ) from None
    if len(raw) > MAX_MANIFEST_BYTES:
        raise ConfigError(
            f"{path}: the manifest is larger than {MAX_MANIFEST_BYTES // 1024} KiB",
            hint="A manifest only describes the extension; move data into other files.",
            data={"file": str(path)},
        )
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise ConfigError(
            f"{path}: the manifest is not UTF-8 text", hint="Save it as UTF-8.", data={"file": str(path)}
        ) from None
    return parse_manifest(text, path)


def manifest_error(where: str, exc: PydanticValidationError, raw: dict[str, Any]) -> ConfigError:
    """One ConfigError listing every problem as ``key: got VALUE, expected ...``."""
    problems: list[str] = []
    keys: list[str] = []
    for detail in exc.errors(include_url=False):
        key = _dotted(detail["loc"])
        keys.append(key)
        if not key:
            problems.append(detail["msg"].removeprefix("Value error, "))
        elif detail["type"] == "missing":
            problems.append(f"key '{key}' is required but missing")
        elif detail["type"] == "extra_forbidden":
            problems.append(f"unknown key '{key}'")
        else:
            message = detail["msg"].removeprefix("Value error, ").replace("Input should be", "expected", 1)
            problems.append(f"key '{key}': {_show(detail.get('input'))} is invalid: {message}")
    return ConfigError(
        f"{where}: invalid manifest: " + "; ".join(problems),
        hint="Fix the named keys (see docs/extensions.md, 'Symphony.toml'); the extension is skipped until then.",
        data={"file": where, "key": keys[0] if keys else "", "keys": keys, "problems": problems},
    )


def _dotted(loc: tuple[int | str, ...]) -> str:
    text = ""
    for step in loc:
        if isinstance(step, int):
            text += f"[{step}]"
        elif str(step).startswith(("function-", "model-")):
            continue  # validator names pydantic inserts into locations
        else:
            text += ("." if text else "") + str(step)
    return text


def _show(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:59] + "…"


__all__ = [
    "ACTIVATION_HELP",
    "MANIFEST_NAME",
    "ActivationEvent",
    "Capability",
    "CommandContribution",
    "Contributes",
    "ExtensionType",
    "KeybindingContribution",
    "LanguageContribution",
    "Manifest",
    "MotifContribution",
    "SettingContribution",
    "ThemeContribution",
    "load_manifest",
    "manifest_error",
    "manifest_json_schema",
    "parse_manifest",
]


_TOP_LEVEL_DOCS: dict[str, str] = {
    "id": "Globally unique id, e.g. 'symphony.hello'; also the install folder's name.",
    "name": "Display name shown in the Extensions panel.",
    "version": "Semantic version of this release, e.g. '1.2.0'.",
    "type": "instrument (AI/ML models and tools), operator (workflows) or motif (UI panels).",
    "entry": "'module:Class' relative to the extension folder, e.g. 'hello:HelloExtension'.",
    "description": "One sentence saying what the extension does.",
    "api": "The SDK api_level the extension was written against.",
    "activation": "When the host loads the extension: " + ACTIVATION_HELP + ".",
    "capabilities": "What the extension asks core to do for it; the user grants each one.",
    "dependencies": "Other extensions this one needs, by id, with a version range such as '^1.2'.",
    "contributes": "Commands, keybindings, settings, themes, motifs and languages the extension adds.",
}


def manifest_json_schema() -> dict[str, Any]:
    """JSON Schema of Symphony.toml as authors write it (activation events as strings), for editors and the
    manifest language server; the pydantic model stays the authority on validation."""
    schema = Manifest.model_json_schema()
    schema["$defs"]["ActivationEvent"] = {
        "type": "string",
        "pattern": _ACTIVATION.pattern,
        "description": "When to load the extension: " + ACTIVATION_HELP + ".",
    }
    for key, doc in _TOP_LEVEL_DOCS.items():
        if key in schema["properties"]:
            schema["properties"][key]["description"] = doc
    schema["title"] = "Symphony.toml"
    return schema
