"""Settings for language servers: which server serves which language, and how the client treats them.

Hook into ``core.config.schema.Settings`` as ``lsp: LspSettings = Field(default_factory=LspSettings, ...)``.
User entries in ``lsp.servers`` are merged over :data:`DEFAULT_SERVERS` by name, so a user can change one
server's arguments, disable a default (``enabled = false``) or add a server for another language.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator


class _Section(BaseModel):
    """Same contract as core.config's SettingsModel: frozen, unknown keys are errors."""

    model_config = ConfigDict(frozen=True, extra="forbid")


class ServerSpec(_Section):
    """How to start one language server and which languages it serves."""

    command: list[str] = Field(
        min_length=1, description="Program and arguments, e.g. ['jedi-language-server'] or ['gopls', 'serve']."
    )
    languages: list[str] = Field(
        default_factory=list, description="Language ids (as detected from file names) this server serves."
    )
    file_names: list[str] = Field(
        default_factory=list, description="File names this server serves whatever their language, e.g. 'Symphony.toml'."
    )
    enabled: bool = Field(True, description="Set to false to never start this server.")
    env: dict[str, str] = Field(default_factory=dict, description="Extra environment variables for the server.")
    initialization_options: dict[str, Any] | None = Field(
        None, description="Sent as initializationOptions in the initialize request."
    )
    settings: dict[str, Any] = Field(
        default_factory=dict, description="Answers to workspace/configuration requests, looked up by section."
    )
    root_markers: list[str] = Field(
        default_factory=list,
        description="File names (e.g. 'pyproject.toml') marking a project root; the workspace root is used otherwise.",
    )
    install_hint: str = Field("", description="What to tell the user when the program is not found.")

    @model_validator(mode="after")
    def _serves_something(self) -> ServerSpec:
        if not self.languages and not self.file_names:
            raise ValueError("a server needs at least one entry in 'languages' or 'file_names'")
        return self


class LspSettings(_Section):
    """Language servers: per-language servers and the client's timeouts and restart policy."""

    enabled: bool = Field(True, description="Start language servers for open documents.")
    servers: dict[str, ServerSpec] = Field(
        default_factory=dict, description="Servers by name; merged over the built-in defaults by name."
    )
    request_timeout: float = Field(
        10.0, gt=0, le=600, description="Seconds to wait for a server's answer before giving up on a request."
    )
    startup_timeout: float = Field(30.0, gt=0, le=600, description="Seconds a server may take to initialize.")
    restart_max_attempts: int = Field(
        5, ge=0, le=100, description="Restarts attempted after crashes before a server is left stopped."
    )
    restart_initial_delay: float = Field(0.5, ge=0, le=60, description="Seconds before the first restart.")
    restart_max_delay: float = Field(30.0, gt=0, le=3600, description="Upper bound of the restart delay.")
    restart_reset_after: float = Field(
        60.0, gt=0, le=86400, description="A server that ran this many seconds counts as healthy again."
    )
    format_on_save: bool = Field(False, description="Format documents with their language server before saving.")

    @field_validator("servers", mode="before")
    @classmethod
    def _over_defaults(cls, value: Any) -> Any:
        """An entry named like a default changes only the keys it gives (``enabled = false`` alone disables
        jedi-language-server); an entry of a new name must be complete."""
        if not isinstance(value, dict):
            return value
        merged: dict[str, Any] = {}
        for name, spec in value.items():
            default = DEFAULT_SERVERS.get(name)
            if default is not None and isinstance(spec, dict):
                base = default.model_dump()
                if spec.get("command", base["command"]) != base["command"]:
                    base["install_hint"] = ""  # the default's hint installs the default's program
                spec = {**base, **spec}
            merged[name] = spec
        return merged

    def resolved_servers(self) -> dict[str, ServerSpec]:
        """The user's servers first (they win for their languages), then the built-in defaults they left alone."""
        merged = dict(self.servers)
        for name, spec in DEFAULT_SERVERS.items():
            merged.setdefault(name, spec)
        return merged


DEFAULT_SERVERS: dict[str, ServerSpec] = {
    "jedi-language-server": ServerSpec(
        command=["jedi-language-server"],
        languages=["python"],
        root_markers=["pyproject.toml", "setup.py", "setup.cfg"],
        install_hint="pip install jedi-language-server",
    ),
    "pylsp": ServerSpec(
        command=["pylsp"],
        languages=["python"],
        root_markers=["pyproject.toml", "setup.py", "setup.cfg"],
        install_hint="pip install python-lsp-server",
    ),
    "typescript-language-server": ServerSpec(
        command=["typescript-language-server", "--stdio"],
        languages=["typescript", "tsx", "javascript"],
        root_markers=["package.json", "tsconfig.json"],
        install_hint="npm install -g typescript-language-server typescript",
    ),
    "rust-analyzer": ServerSpec(
        command=["rust-analyzer"],
        languages=["rust"],
        root_markers=["Cargo.toml"],
        install_hint="rustup component add rust-analyzer",
    ),
    "gopls": ServerSpec(
        command=["gopls", "serve"],
        languages=["go", "gomod"],
        root_markers=["go.mod"],
        install_hint="go install golang.org/x/tools/gopls@latest",
    ),
    "clangd": ServerSpec(
        command=["clangd"],
        languages=["c", "cpp", "objective-c"],
        root_markers=["compile_commands.json", "CMakeLists.txt"],
        install_hint="Install clangd from your package manager (e.g. apt install clangd).",
    ),
    "symphony-manifest": ServerSpec(
        # The manifest format belongs to the extension kit, which hands its JSON Schema to the server.
        command=[
            "python",
            "-m",
            "core.lsp.manifest_server",
            "--schema-provider",
            "extensions.kit.manifest:manifest_json_schema",
        ],
        file_names=["Symphony.toml"],
        install_hint="It ships with Symphony; reinstall Symphony if it is missing.",
    ),
}
"""Servers tried for a language in this order; the first one found on PATH wins.
The command ``python`` means the interpreter running Symphony."""

__all__ = ["DEFAULT_SERVERS", "LspSettings", "ServerSpec"]
