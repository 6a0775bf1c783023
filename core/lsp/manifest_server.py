"""A language server for Symphony.toml manifests: diagnostics from the manifest schema, key completion, hover docs.

Run ``python -m core.lsp.manifest_server --schema-provider MODULE:FUNCTION`` (a function returning the manifest's
JSON Schema) or ``--schema FILE.json``; it speaks LSP over stdio, so it works in any editor. Without a schema it
still reports TOML syntax errors. Core cannot import the extension kit that owns the manifest format, so the
schema is always handed in: by command line here, or as a loader function to :func:`create_server` in tests.
"""

from __future__ import annotations

import argparse
import importlib
import json
import re
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from lsprotocol import types as lsp
from pygls.lsp.server import LanguageServer

from core.errors import ConfigError
from core.lsp.manifest_schema import Schema, check_manifest, describe, enum_values, properties, subschema
from core.lsp.toml_keys import KeyPath, scan, split_key

SchemaLoader = Callable[[], Schema | None]
NAME = "symphony-manifest"
VERSION = "0.1.0"

_TYPING_KEY = re.compile(r"^[ \t]*((?:[A-Za-z0-9_-]+[ \t]*\.[ \t]*)*)([A-Za-z0-9_-]*)$")
_TYPING_VALUE = re.compile(r"^[ \t]*([A-Za-z0-9_.\"'-]+)[ \t]*=[ \t]*\"?([^\"]*)$")


class ManifestServer(LanguageServer):
    """The pygls server, holding the schema loaded once on first use."""

    def __init__(self, schema_loader: SchemaLoader) -> None:
        super().__init__(NAME, VERSION, text_document_sync_kind=lsp.TextDocumentSyncKind.Incremental)
        self._schema_loader = schema_loader
        self._schema: Schema | None = None
        self._loaded = False

    @property
    def schema(self) -> Schema | None:
        """The manifest schema (None if the loader failed or gave none: syntax checks only)."""
        if not self._loaded:
            self._loaded = True
            try:
                self._schema = self._schema_loader()
            except Exception as exc:
                print(f"{NAME}: cannot load the manifest schema: {exc}", file=sys.stderr, flush=True)
        return self._schema


def _publish(server: ManifestServer, uri: str) -> None:
    document = server.workspace.get_text_document(uri)
    server.text_document_publish_diagnostics(
        lsp.PublishDiagnosticsParams(
            uri=uri, version=document.version, diagnostics=check_manifest(document.source, server.schema)
        )
    )


def completion_items(text: str, line: int, column: int, schema: Schema) -> list[lsp.CompletionItem]:
    """Keys allowed where the cursor is (in a key position), or enum values (after ``key =``)."""
    lines = text.splitlines()
    before = lines[line][:column] if line < len(lines) else ""
    prefix = scan(text).prefix_at(line + 1) if line < len(lines) else ()
    if value := _TYPING_VALUE.match(before):
        node = subschema(schema, (*prefix, *split_key(value.group(1))))
        if node is None:
            return []
        quoted = before.rstrip().endswith('"') or '"' in before.split("=", 1)[1]
        return [
            lsp.CompletionItem(
                label=str(choice),
                kind=lsp.CompletionItemKind.EnumMember,
                insert_text=str(choice) if quoted or not isinstance(choice, str) else f'"{choice}"',
            )
            for choice in enum_values(schema, node)
        ]
    if key := _TYPING_KEY.match(before):
        dotted: KeyPath = tuple(split_key(key.group(1)))
        node = subschema(schema, (*prefix, *dotted))
        if node is None:
            return []
        present = {
            path[len(prefix)] for path in scan(text).spans if len(path) > len(prefix) and path[: len(prefix)] == prefix
        }
        return [
            lsp.CompletionItem(
                label=name,
                kind=lsp.CompletionItemKind.Property,
                detail=str(sub.get("title") or ""),
                documentation=lsp.MarkupContent(kind=lsp.MarkupKind.Markdown, value=describe(schema, sub)),
                sort_text=("1" if name in present else "0") + name,
            )
            for name, sub in properties(schema, node).items()
        ]
    return []


def hover_text(text: str, line: int, column: int, schema: Schema) -> tuple[str, lsp.Range] | None:
    """Docs of the key under the cursor and the key's range."""
    for path, span in scan(text).spans.items():
        if span.line == line and span.start <= column <= span.end:
            node = subschema(schema, path)
            if node is None:
                return None
            key = next((k for k in reversed(path) if isinstance(k, str)), "")
            doc = describe(schema, node)
            span_range = lsp.Range(
                start=lsp.Position(line=line, character=span.start), end=lsp.Position(line=line, character=span.end)
            )
            return (f"**{key}**\n\n{doc}" if doc else f"**{key}**"), span_range
    return None


def create_server(schema_loader: SchemaLoader) -> ManifestServer:
    """A manifest server using ``schema_loader`` for the schema (called once, on first need)."""
    server = ManifestServer(schema_loader)

    @server.feature(lsp.TEXT_DOCUMENT_DID_OPEN)
    def did_open(ls: ManifestServer, params: lsp.DidOpenTextDocumentParams) -> None:
        _publish(ls, params.text_document.uri)

    @server.feature(lsp.TEXT_DOCUMENT_DID_CHANGE)
    def did_change(ls: ManifestServer, params: lsp.DidChangeTextDocumentParams) -> None:
        _publish(ls, params.text_document.uri)

    @server.feature(lsp.TEXT_DOCUMENT_DID_CLOSE)
    def did_close(ls: ManifestServer, params: lsp.DidCloseTextDocumentParams) -> None:
        ls.text_document_publish_diagnostics(lsp.PublishDiagnosticsParams(uri=params.text_document.uri, diagnostics=[]))

    @server.feature(lsp.TEXT_DOCUMENT_COMPLETION, lsp.CompletionOptions(trigger_characters=[".", '"', "="]))
    def completion(ls: ManifestServer, params: lsp.CompletionParams) -> lsp.CompletionList:
        schema = ls.schema
        if schema is None:
            return lsp.CompletionList(is_incomplete=False, items=[])
        document = ls.workspace.get_text_document(params.text_document.uri)
        items = completion_items(document.source, params.position.line, params.position.character, schema)
        return lsp.CompletionList(is_incomplete=False, items=items)

    @server.feature(lsp.TEXT_DOCUMENT_HOVER)
    def hover(ls: ManifestServer, params: lsp.HoverParams) -> lsp.Hover | None:
        schema = ls.schema
        if schema is None:
            return None
        document = ls.workspace.get_text_document(params.text_document.uri)
        found = hover_text(document.source, params.position.line, params.position.character, schema)
        if found is None:
            return None
        text, span = found
        return lsp.Hover(contents=lsp.MarkupContent(kind=lsp.MarkupKind.Markdown, value=text), range=span)

    return server


def schema_from_file(path: Path) -> SchemaLoader:
    """A loader reading a JSON Schema file."""

    def load() -> Schema:
        try:
            loaded: Schema = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise ConfigError(
                f"cannot read the manifest schema {path}: {exc}", hint="Pass a readable JSON Schema file to --schema."
            ) from exc
        return loaded

    return load


def schema_from_provider(spec: str) -> SchemaLoader:
    """A loader calling ``module:function`` (imported when the schema is first needed)."""
    module_name, _, function_name = spec.partition(":")
    if not module_name or not function_name:
        raise ConfigError(
            f"--schema-provider {spec!r} is not MODULE:FUNCTION",
            hint="For example: --schema-provider extensions.kit.manifest:manifest_json_schema",
        )

    def load() -> Schema:
        function: Callable[[], Any] = getattr(importlib.import_module(module_name), function_name)
        schema = function()
        if not isinstance(schema, dict):
            raise ConfigError(
                f"{spec} returned {type(schema).__name__}, not a JSON Schema object",
                hint="The provider must return the schema as a dict (e.g. Model.model_json_schema()).",
            )
        return schema

    return load


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point: parse the schema option and serve LSP over stdio until the client exits."""
    parser = argparse.ArgumentParser(prog="python -m core.lsp.manifest_server", description=__doc__.splitlines()[0])
    source = parser.add_mutually_exclusive_group()
    source.add_argument("--schema", type=Path, help="JSON Schema file describing Symphony.toml")
    source.add_argument("--schema-provider", metavar="MODULE:FUNCTION", help="function returning the JSON Schema")
    args = parser.parse_args(argv)
    try:
        if args.schema is not None:
            loader = schema_from_file(args.schema)
        elif args.schema_provider:
            loader = schema_from_provider(args.schema_provider)
        else:
            print(f"{NAME}: no schema given; reporting TOML syntax errors only", file=sys.stderr, flush=True)
            loader = _no_schema
    except ConfigError as exc:
        parser.error(str(exc))
    create_server(loader).start_io()
    return 0


def _no_schema() -> Schema | None:
    return None


if __name__ == "__main__":
    sys.exit(main())
