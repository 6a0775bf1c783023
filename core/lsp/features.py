"""The language features Symphony asks servers for, one typed async method each.

Positions and ranges go in as Symphony's code-point types; results come back as lsprotocol types in the
server's position encoding (convert with ``range_from_server``). Results that come in several shapes
(e.g. Location | LocationLink list) are normalised to one. A feature the server did not announce returns the
empty answer without a round trip, so callers need no capability checks of their own.
"""

from __future__ import annotations

from abc import abstractmethod
from collections.abc import Callable, Coroutine, Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple, TypeVar

from lsprotocol import types as lsp

from core.errors import ProtocolError
from core.lsp.completion import CompletionAnswer, CompletionItems
from core.lsp.positions import Encoding, from_units
from core.lsp.protocol import RawResult
from core.types.text import Position, Range

_T = TypeVar("_T")


class SemanticToken(NamedTuple):
    """One decoded semantic token: absolute line, start column and length, type and modifiers.

    ``decode_semantic_tokens`` gives columns in the server's units; ``semantic_tokens`` converts them to code
    points of the document version they describe (the answer is dropped if the document changed meanwhile).
    A named tuple: a whole file's tokens are built after every pause in typing, and a frozen dataclass costs
    2.5 times as much to create.
    """

    line: int
    start: int
    length: int
    token_type: str
    modifiers: tuple[str, ...]


def decode_semantic_tokens(data: Sequence[int], legend: lsp.SemanticTokensLegend) -> list[SemanticToken]:
    """Turn LSP's relative five-integer encoding into absolute tokens named by the server's legend.

    Runs over the whole file after every pause in typing: modifier sets are decoded once per distinct bit mask.
    """
    tokens: list[SemanticToken] = []
    append = tokens.append
    token_types = legend.token_types
    type_count = len(token_types)
    modifier_names = legend.token_modifiers
    modifier_sets: dict[int, tuple[str, ...]] = {0: ()}
    line = start = 0
    for index in range(0, len(data) - 4, 5):
        delta_line, delta_start, length, type_index, modifier_bits = data[index : index + 5]
        if delta_line:
            line += delta_line
            start = delta_start
        else:
            start += delta_start
        modifiers = modifier_sets.get(modifier_bits)
        if modifiers is None:
            modifiers = tuple(name for bit, name in enumerate(modifier_names) if modifier_bits >> bit & 1)
            modifier_sets[modifier_bits] = modifiers
        token_type = token_types[type_index] if type_index < type_count else str(type_index)
        append(SemanticToken(line, start, length, token_type, modifiers))
    return tokens


@dataclass(frozen=True, slots=True)
class SemanticTokensData:
    """A semantic-tokens answer as sent: the raw relative encoding and the id a later delta request refers to.

    ``span`` is the range asked for (None: the whole document); a range answer carries no result id.
    """

    data: tuple[int, ...]
    result_id: str | None = None
    span: Range | None = None


def apply_semantic_edits(data: Sequence[int], edits: Sequence[lsp.SemanticTokensEdit]) -> tuple[int, ...]:
    """Apply a ``semanticTokens/full/delta`` answer to the previous data array.

    Edit offsets all refer to the previous array (as VS Code reads them): they are applied from the last to the
    first, and an edit reaching outside the array or overlapping another is a server error.
    """
    result = list(data)
    limit = len(data)
    for edit in sorted(edits, key=lambda e: e.start, reverse=True):
        end = edit.start + edit.delete_count
        if end > limit:
            raise ProtocolError(
                f"semantic tokens delta edits {edit.start}..{end} of a {len(data)}-integer array",
                hint="The server sent a delta that does not fit the previous answer; full tokens are asked next.",
            )
        result[edit.start : end] = edit.data or ()
        limit = edit.start
    return tuple(result)


def as_locations(result: Any) -> list[lsp.Location]:
    """Location, list of Location or list of LocationLink -> list of Location (links point at their selection)."""
    if result is None:
        return []
    # cattrs structures LSP arrays as tuples.
    items = result if isinstance(result, list | tuple) else [result]
    locations: list[lsp.Location] = []
    for item in items:
        if isinstance(item, lsp.LocationLink):
            locations.append(lsp.Location(uri=item.target_uri, range=item.target_selection_range))
        elif isinstance(item, lsp.Location):
            locations.append(item)
    return locations


CAPABILITY_METHODS: dict[str, str] = {
    "completion_provider": lsp.TEXT_DOCUMENT_COMPLETION,
    "hover_provider": lsp.TEXT_DOCUMENT_HOVER,
    "signature_help_provider": lsp.TEXT_DOCUMENT_SIGNATURE_HELP,
    "definition_provider": lsp.TEXT_DOCUMENT_DEFINITION,
    "declaration_provider": lsp.TEXT_DOCUMENT_DECLARATION,
    "type_definition_provider": lsp.TEXT_DOCUMENT_TYPE_DEFINITION,
    "implementation_provider": lsp.TEXT_DOCUMENT_IMPLEMENTATION,
    "references_provider": lsp.TEXT_DOCUMENT_REFERENCES,
    "document_highlight_provider": lsp.TEXT_DOCUMENT_DOCUMENT_HIGHLIGHT,
    "rename_provider": lsp.TEXT_DOCUMENT_RENAME,
    "document_formatting_provider": lsp.TEXT_DOCUMENT_FORMATTING,
    "document_range_formatting_provider": lsp.TEXT_DOCUMENT_RANGE_FORMATTING,
    "code_action_provider": lsp.TEXT_DOCUMENT_CODE_ACTION,
    "document_symbol_provider": lsp.TEXT_DOCUMENT_DOCUMENT_SYMBOL,
    "workspace_symbol_provider": lsp.WORKSPACE_SYMBOL,
    "inlay_hint_provider": lsp.TEXT_DOCUMENT_INLAY_HINT,
    "semantic_tokens_provider": "textDocument/semanticTokens",
}
"""Which request each capability enables; a server may register the request later instead of announcing it.
(Semantic tokens register as the umbrella method ``textDocument/semanticTokens``.)"""

SEMANTIC_TOKENS = "textDocument/semanticTokens"
"""The method name servers use to register all semantic-token requests at once."""

_PositionParams = lsp.DefinitionParams | lsp.DeclarationParams | lsp.TypeDefinitionParams | lsp.ImplementationParams


class FeatureRequests:
    """Typed wrappers over ``request``; mixed into LanguageServerClient."""

    async def request(
        self,
        method: str,
        params: Any,
        *,
        uri: str | None = None,
        cancel_on_edit: bool = False,
        timeout: float | None = None,
    ) -> Any:
        """Send any request; the answer is dropped (StaleResponseError) if document ``uri`` changed meanwhile.

        ``timeout`` overrides ``lsp.request_timeout`` (format-on-save, for one, should not hold a save long).
        """
        return await self.send_request(method, params, uri=uri, cancel_on_edit=cancel_on_edit, timeout=timeout)

    @abstractmethod
    def send_request(
        self,
        method: str,
        params: Any,
        *,
        uri: str | None = None,
        cancel_on_edit: bool = False,
        timeout: float | None = None,
        then: Callable[[Any], Any] | None = None,
    ) -> Coroutine[Any, Any, Any]: ...

    @abstractmethod
    def supports(self, capability: str) -> bool: ...

    @abstractmethod
    def position_to_server(self, uri: str, position: Position) -> lsp.Position: ...

    @abstractmethod
    def range_to_server(self, uri: str, span: Range) -> lsp.Range: ...

    @abstractmethod
    def diagnostics_for(self, uri: str) -> tuple[lsp.Diagnostic, ...]: ...

    @abstractmethod
    def line_text(self, uri: str, line: int) -> str: ...

    encoding: Encoding

    @abstractmethod
    def registration_options(self, method: str, options_type: type[_T]) -> _T | None: ...

    capabilities: lsp.ServerCapabilities | None
    name: str

    def _doc(self, uri: str) -> lsp.TextDocumentIdentifier:
        return lsp.TextDocumentIdentifier(uri=uri)

    async def completion(
        self, uri: str, position: Position, *, trigger_character: str | None = None
    ) -> CompletionAnswer:
        """Completion items at ``position`` (typed lazily, see core.lsp.completion); cancelled by the next edit
        of the document."""
        return await self.send_completion(uri, position, trigger_character=trigger_character)

    def send_completion(
        self, uri: str, position: Position, *, trigger_character: str | None = None
    ) -> Coroutine[Any, Any, CompletionAnswer]:
        """:meth:`completion`, written to the server before returning (a keystroke's request goes out before the
        editor finishes the keystroke); the coroutine returned waits for the answer."""
        if not self.supports("completion_provider"):
            return _settled(CompletionAnswer(False, CompletionItems()))
        # Built as JSON: unstructuring lsprotocol objects through cattrs cost more than the rest of the send.
        context: dict[str, Any] = (
            {"triggerKind": lsp.CompletionTriggerKind.TriggerCharacter.value, "triggerCharacter": trigger_character}
            if trigger_character
            else {"triggerKind": lsp.CompletionTriggerKind.Invoked.value}
        )
        at = self.position_to_server(uri, position)
        params = {
            "textDocument": {"uri": uri},
            "position": {"line": at.line, "character": at.character},
            "context": context,
        }
        return self.send_request(
            lsp.TEXT_DOCUMENT_COMPLETION, params, uri=uri, cancel_on_edit=True, then=self._completion_answer
        )

    def _completion_answer(self, result: Any) -> CompletionAnswer:
        if isinstance(result, RawResult):
            return CompletionAnswer.from_json(result.value, f"language server {self.name}")
        return CompletionAnswer.of(result)

    def completion_triggers(self) -> list[str]:
        """Characters that should open the completion popup by themselves (e.g. '.')."""
        provider = self.capabilities.completion_provider if self.capabilities else None
        return list(provider.trigger_characters or []) if provider else []

    def commit_characters(self) -> list[str]:
        """Characters that accept the selected completion item for every item (allCommitCharacters)."""
        provider = self.capabilities.completion_provider if self.capabilities else None
        return list(provider.all_commit_characters or []) if provider else []

    async def resolve_completion(self, item: lsp.CompletionItem) -> lsp.CompletionItem:
        """Fill in an item's documentation and auto-import edits (if the server resolves lazily)."""
        provider = self.capabilities.completion_provider if self.capabilities else None
        if not provider or not provider.resolve_provider:
            return item
        resolved: lsp.CompletionItem = await self.request(lsp.COMPLETION_ITEM_RESOLVE, item)
        return resolved

    async def hover(self, uri: str, position: Position) -> lsp.Hover | None:
        """Hover documentation (usually markdown); cancelled by the next edit."""
        if not self.supports("hover_provider"):
            return None
        params = lsp.HoverParams(text_document=self._doc(uri), position=self.position_to_server(uri, position))
        result: lsp.Hover | None = await self.request(lsp.TEXT_DOCUMENT_HOVER, params, uri=uri, cancel_on_edit=True)
        return result

    async def signature_help(
        self,
        uri: str,
        position: Position,
        *,
        trigger_character: str | None = None,
        active: lsp.SignatureHelp | None = None,
    ) -> lsp.SignatureHelp | None:
        """Signatures of the call around ``position``; cancelled by the next edit.

        ``active`` is the help showing now (with the signature the user picked): the request is then a retrigger,
        so the server can keep that signature while the arguments are typed.
        """
        if not self.supports("signature_help_provider"):
            return None
        if trigger_character:
            kind = lsp.SignatureHelpTriggerKind.TriggerCharacter
        elif active is not None:
            kind = lsp.SignatureHelpTriggerKind.ContentChange
        else:
            kind = lsp.SignatureHelpTriggerKind.Invoked
        context = lsp.SignatureHelpContext(
            trigger_kind=kind,
            trigger_character=trigger_character,
            is_retrigger=active is not None,
            active_signature_help=active,
        )
        params = lsp.SignatureHelpParams(
            text_document=self._doc(uri), position=self.position_to_server(uri, position), context=context
        )
        result: lsp.SignatureHelp | None = await self.request(
            lsp.TEXT_DOCUMENT_SIGNATURE_HELP, params, uri=uri, cancel_on_edit=True
        )
        return result

    async def _locations(
        self, method: str, capability: str, params_type: type[_PositionParams], uri: str, position: Position
    ) -> list[lsp.Location]:
        if not self.supports(capability):
            return []
        params = params_type(text_document=self._doc(uri), position=self.position_to_server(uri, position))
        return as_locations(await self.request(method, params, uri=uri))

    async def definition(self, uri: str, position: Position) -> list[lsp.Location]:
        """Where the symbol at ``position`` is defined (possibly in another file)."""
        return await self._locations(
            lsp.TEXT_DOCUMENT_DEFINITION, "definition_provider", lsp.DefinitionParams, uri, position
        )

    async def declaration(self, uri: str, position: Position) -> list[lsp.Location]:
        """Where the symbol at ``position`` is declared."""
        return await self._locations(
            lsp.TEXT_DOCUMENT_DECLARATION, "declaration_provider", lsp.DeclarationParams, uri, position
        )

    async def type_definition(self, uri: str, position: Position) -> list[lsp.Location]:
        """Where the type of the symbol at ``position`` is defined."""
        return await self._locations(
            lsp.TEXT_DOCUMENT_TYPE_DEFINITION, "type_definition_provider", lsp.TypeDefinitionParams, uri, position
        )

    async def implementation(self, uri: str, position: Position) -> list[lsp.Location]:
        """Implementations of the interface or method at ``position``."""
        return await self._locations(
            lsp.TEXT_DOCUMENT_IMPLEMENTATION, "implementation_provider", lsp.ImplementationParams, uri, position
        )

    async def references(self, uri: str, position: Position, *, include_declaration: bool = True) -> list[lsp.Location]:
        """Every use of the symbol at ``position`` across the workspace (the References panel)."""
        if not self.supports("references_provider"):
            return []
        params = lsp.ReferenceParams(
            text_document=self._doc(uri),
            position=self.position_to_server(uri, position),
            context=lsp.ReferenceContext(include_declaration=include_declaration),
        )
        return as_locations(await self.request(lsp.TEXT_DOCUMENT_REFERENCES, params, uri=uri))

    async def document_highlight(self, uri: str, position: Position) -> list[lsp.DocumentHighlight]:
        """Other occurrences of the symbol at ``position`` in this document; cancelled by the next edit."""
        if not self.supports("document_highlight_provider"):
            return []
        params = lsp.DocumentHighlightParams(
            text_document=self._doc(uri), position=self.position_to_server(uri, position)
        )
        result = await self.request(lsp.TEXT_DOCUMENT_DOCUMENT_HIGHLIGHT, params, uri=uri, cancel_on_edit=True)
        return list(result or [])

    async def prepare_rename(self, uri: str, position: Position) -> lsp.PrepareRenameResult | None:
        """The range a rename at ``position`` would change, or None if nothing there can be renamed."""
        provider = self.capabilities.rename_provider if self.capabilities else None
        if not isinstance(provider, lsp.RenameOptions) or not provider.prepare_provider:
            return None
        params = lsp.PrepareRenameParams(text_document=self._doc(uri), position=self.position_to_server(uri, position))
        result: lsp.PrepareRenameResult | None = await self.request(lsp.TEXT_DOCUMENT_PREPARE_RENAME, params, uri=uri)
        return result

    async def rename(self, uri: str, position: Position, new_name: str) -> lsp.WorkspaceEdit | None:
        """The workspace edit renaming the symbol at ``position`` (for the preview; nothing is applied here)."""
        if not self.supports("rename_provider"):
            return None
        params = lsp.RenameParams(
            text_document=self._doc(uri), position=self.position_to_server(uri, position), new_name=new_name
        )
        result: lsp.WorkspaceEdit | None = await self.request(lsp.TEXT_DOCUMENT_RENAME, params, uri=uri)
        return result

    async def formatting(
        self, uri: str, *, tab_size: int = 4, insert_spaces: bool = True, timeout: float | None = None
    ) -> list[lsp.TextEdit]:
        """Edits that format the whole document; format-on-save passes a short ``timeout``."""
        if not self.supports("document_formatting_provider"):
            return []
        params = lsp.DocumentFormattingParams(
            text_document=self._doc(uri), options=lsp.FormattingOptions(tab_size=tab_size, insert_spaces=insert_spaces)
        )
        return list(await self.request(lsp.TEXT_DOCUMENT_FORMATTING, params, uri=uri, timeout=timeout) or [])

    async def range_formatting(
        self, uri: str, span: Range, *, tab_size: int = 4, insert_spaces: bool = True
    ) -> list[lsp.TextEdit]:
        """Edits that format the selection."""
        if not self.supports("document_range_formatting_provider"):
            return []
        params = lsp.DocumentRangeFormattingParams(
            text_document=self._doc(uri),
            range=self.range_to_server(uri, span),
            options=lsp.FormattingOptions(tab_size=tab_size, insert_spaces=insert_spaces),
        )
        return list(await self.request(lsp.TEXT_DOCUMENT_RANGE_FORMATTING, params, uri=uri) or [])

    async def code_actions(
        self, uri: str, span: Range, *, only: Sequence[str] | None = None
    ) -> list[lsp.CodeAction | lsp.Command]:
        """Quick fixes and refactorings for ``span``, given the diagnostics known there (the lightbulb)."""
        if not self.supports("code_action_provider"):
            return []
        server_range = self.range_to_server(uri, span)
        overlapping = [d for d in self.diagnostics_for(uri) if _overlaps(d.range, server_range)]
        params = lsp.CodeActionParams(
            text_document=self._doc(uri),
            range=server_range,
            context=lsp.CodeActionContext(diagnostics=overlapping, only=list(only) if only else None),
        )
        return list(await self.request(lsp.TEXT_DOCUMENT_CODE_ACTION, params, uri=uri) or [])

    async def resolve_code_action(self, action: lsp.CodeAction) -> lsp.CodeAction:
        """Fill in a lazily computed code action's edit."""
        provider = self.capabilities.code_action_provider if self.capabilities else None
        if not isinstance(provider, lsp.CodeActionOptions) or not provider.resolve_provider or action.edit is not None:
            return action
        resolved: lsp.CodeAction = await self.request(lsp.CODE_ACTION_RESOLVE, action)
        return resolved

    async def execute_command(self, command: lsp.Command) -> Any:
        """Run a server command (from a code action); its edits arrive as workspace/applyEdit."""
        params = lsp.ExecuteCommandParams(command=command.command, arguments=command.arguments)
        return await self.request(lsp.WORKSPACE_EXECUTE_COMMAND, params)

    async def document_symbols(self, uri: str) -> list[lsp.DocumentSymbol] | list[lsp.SymbolInformation]:
        """The outline: hierarchical symbols if the server offers them, flat ones otherwise."""
        if not self.supports("document_symbol_provider"):
            return []
        params = lsp.DocumentSymbolParams(text_document=self._doc(uri))
        return list(await self.request(lsp.TEXT_DOCUMENT_DOCUMENT_SYMBOL, params, uri=uri) or [])

    async def workspace_symbols(self, query: str) -> list[lsp.SymbolInformation | lsp.WorkspaceSymbol]:
        """Symbols across the workspace matching ``query`` (the palette's '#' mode)."""
        if not self.supports("workspace_symbol_provider"):
            return []
        return list(await self.request(lsp.WORKSPACE_SYMBOL, lsp.WorkspaceSymbolParams(query=query)) or [])

    async def inlay_hints(self, uri: str, span: Range) -> list[lsp.InlayHint]:
        """Inline type and parameter hints for the visible ``span``; cancelled by the next edit."""
        if not self.supports("inlay_hint_provider"):
            return []
        params = lsp.InlayHintParams(text_document=self._doc(uri), range=self.range_to_server(uri, span))
        return list(await self.request(lsp.TEXT_DOCUMENT_INLAY_HINT, params, uri=uri, cancel_on_edit=True) or [])

    def semantic_tokens_options(self) -> lsp.SemanticTokensOptions | lsp.SemanticTokensRegistrationOptions | None:
        """What the server offers for semantic tokens (legend, full, delta, range), announced or registered."""
        provider: lsp.SemanticTokensOptions | lsp.SemanticTokensRegistrationOptions | None
        provider = self.capabilities.semantic_tokens_provider if self.capabilities else None
        if provider is None:
            provider = self.registration_options(SEMANTIC_TOKENS, lsp.SemanticTokensRegistrationOptions)
        return provider

    def semantic_tokens_delta_offered(self) -> bool:
        """Whether the server answers ``semanticTokens/full/delta``."""
        provider = self.semantic_tokens_options()
        full = provider.full if provider is not None else None
        return bool(getattr(full, "delta", False))

    def semantic_tokens_range_offered(self) -> bool:
        """Whether the server answers ``semanticTokens/range`` (tokens of the visible lines of a big file)."""
        provider = self.semantic_tokens_options()
        return bool(provider is not None and provider.range)

    async def semantic_tokens_data(
        self, uri: str, *, previous: SemanticTokensData | None = None, span: Range | None = None
    ) -> SemanticTokensData:
        """Raw semantic tokens: of ``span`` (a range request), else a delta on ``previous`` when the server offers
        deltas and ``previous`` has a result id, else the whole document. Cancelled by the next edit."""
        provider = self.semantic_tokens_options()
        if provider is None:
            return SemanticTokensData(())
        if span is not None and provider.range:
            range_params = lsp.SemanticTokensRangeParams(
                text_document=self._doc(uri), range=self.range_to_server(uri, span)
            )
            result = await self.request(
                lsp.TEXT_DOCUMENT_SEMANTIC_TOKENS_RANGE, range_params, uri=uri, cancel_on_edit=True
            )
            return SemanticTokensData(tuple(result.data) if isinstance(result, lsp.SemanticTokens) else (), span=span)
        if not provider.full:
            return SemanticTokensData(())
        delta = previous is not None and previous.result_id is not None and previous.span is None
        if delta and self.semantic_tokens_delta_offered():
            assert previous is not None and previous.result_id is not None
            delta_params = lsp.SemanticTokensDeltaParams(
                text_document=self._doc(uri), previous_result_id=previous.result_id
            )
            result = await self.request(
                lsp.TEXT_DOCUMENT_SEMANTIC_TOKENS_FULL_DELTA, delta_params, uri=uri, cancel_on_edit=True
            )
            if isinstance(result, lsp.SemanticTokensDelta):
                return SemanticTokensData(apply_semantic_edits(previous.data, result.edits), result.result_id)
            if isinstance(result, lsp.SemanticTokens):  # servers may answer a delta request in full
                return SemanticTokensData(tuple(result.data), result.result_id)
            return SemanticTokensData(())
        params = lsp.SemanticTokensParams(text_document=self._doc(uri))
        result = await self.request(lsp.TEXT_DOCUMENT_SEMANTIC_TOKENS_FULL, params, uri=uri, cancel_on_edit=True)
        if not isinstance(result, lsp.SemanticTokens):
            return SemanticTokensData(())
        return SemanticTokensData(tuple(result.data), result.result_id)

    def decode_tokens(self, uri: str, data: Sequence[int]) -> list[SemanticToken]:
        """Raw token data of open document ``uri`` decoded with the server's legend, columns in code points."""
        provider = self.semantic_tokens_options()
        if provider is None:
            return []
        tokens = decode_semantic_tokens(data, provider.legend)
        if self.encoding == "utf-32":
            return tokens
        converted = []
        for token in tokens:
            text = self.line_text(uri, token.line)
            start = from_units(text, token.start, self.encoding)
            end = from_units(text, token.start + token.length, self.encoding)
            converted.append(SemanticToken(token.line, start, end - start, token.token_type, token.modifiers))
        return converted

    async def semantic_tokens(self, uri: str) -> list[SemanticToken]:
        """Decoded semantic tokens of the whole document, layered over tree-sitter; cancelled by the next edit."""
        return self.decode_tokens(uri, (await self.semantic_tokens_data(uri)).data)


async def _settled(value: _T) -> _T:
    return value


def _overlaps(a: lsp.Range, b: lsp.Range) -> bool:
    def key(p: lsp.Position) -> tuple[int, int]:
        return (p.line, p.character)

    return key(a.start) <= key(b.end) and key(b.start) <= key(a.end)


__all__ = [
    "FeatureRequests",
    "SemanticToken",
    "SemanticTokensData",
    "apply_semantic_edits",
    "as_locations",
    "decode_semantic_tokens",
]
