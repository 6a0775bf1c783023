"""Text and schema views of the settings, for `symphony config show` and `symphony config schema`."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from core.config.merge import dotted, iter_leaves
from core.config.schema import Settings

if TYPE_CHECKING:
    from core.config.service import ConfigService

JSON_SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"

_ALIGN_LIMIT = 40  # longer values are not padded to, so one long list does not push every source off-screen


def render_effective(service: ConfigService) -> str:
    """Every leaf setting, its effective value and its source, in aligned columns; then the problems.

    Loads the service first if it has never loaded.
    """
    if not service.loaded:
        service.load()
    rows = [
        (dotted(path), json.dumps(value, ensure_ascii=False), service.provenance.get(dotted(path), "default"))
        for path, value in iter_leaves(service.settings.model_dump(mode="json"))
    ]
    key_width = max(len(key) for key, _, _ in rows)
    value_width = max((len(value) for _, value, _ in rows if len(value) <= _ALIGN_LIMIT), default=0)
    lines = [f"{key:<{key_width}}  {value:<{value_width}}  {source}" for key, value, source in rows]
    if service.problems:
        lines += ["", f"Problems ({len(service.problems)}):"]
        for problem in service.problems:
            lines += [f"  - {problem.message}", f"    hint: {problem.hint}"]
    return "\n".join(lines) + "\n"


def settings_json_schema() -> dict[str, Any]:
    """The JSON schema of settings files (JSON Schema 2020-12), for editors and `symphony config schema`."""
    schema = Settings.model_json_schema()
    # Settings files may point editors at this schema; the loader ignores the key, so the schema allows it.
    schema["properties"] = {
        "$schema": {
            "type": "string",
            "title": "$schema",
            "description": "URL or path of this JSON schema, for editor completion; ignored by Symphony.",
        },
        **schema["properties"],
    }
    return {"$schema": JSON_SCHEMA_DIALECT, **schema}


__all__ = ["JSON_SCHEMA_DIALECT", "render_effective", "settings_json_schema"]
