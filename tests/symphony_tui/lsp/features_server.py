"""A small real pygls server for the workbench tests of features jedi does not offer. Behaviour:

- signature help inside ``pick(``: two overloads; the active parameter is the number of commas typed since the
  '(' and, on a retrigger, the active signature is the one the client says it shows;
- semantic tokens (full, full/delta and range): ``old_*`` names are deprecated functions, ``static_*`` names
  static functions, capitalised names classes; deltas are one edit around the changed middle;
- go to implementation finds every ``class`` line (several locations), go to declaration the first ``def`` line;
- hover, completion, declaration and document highlights on a line containing ``never`` never answer
  (cancellation is ignored too);
- command ``features.stats`` returns how many requests of each kind it answered.
"""

from __future__ import annotations

import asyncio
import re
from collections import Counter

from lsprotocol import types as lsp
from pygls.lsp.server import LanguageServer

server = LanguageServer("features", "1.0")
LEGEND = lsp.SemanticTokensLegend(token_types=["function", "class"], token_modifiers=["deprecated", "static"])
SIGNATURES = [
    ("pick(a: int, b: int)", ["a: int", "b: int"]),
    ("pick(a: str, b: str, c: str)", ["a: str", "b: str", "c: str"]),
]
stats: Counter[str] = Counter()
results: dict[str, list[int]] = {}
_ids = iter(range(1, 1_000_000))


def lines_of(ls: LanguageServer, uri: str) -> list[str]:
    return ls.workspace.get_text_document(uri).source.split("\n")


async def never() -> None:
    while True:
        try:
            await asyncio.sleep(3600)
        except asyncio.CancelledError:
            continue


@server.feature(lsp.TEXT_DOCUMENT_SIGNATURE_HELP, lsp.SignatureHelpOptions(trigger_characters=["(", ","]))
def signature_help(ls: LanguageServer, params: lsp.SignatureHelpParams) -> lsp.SignatureHelp | None:
    line = lines_of(ls, params.text_document.uri)[params.position.line][: params.position.character]
    at = line.rfind("pick(")
    if at < 0 or ")" in line[at:]:
        return None
    context = params.context
    shown = context.active_signature_help if context is not None and context.is_retrigger else None
    if shown is not None:
        stats["signature_retrigger"] += 1
    return lsp.SignatureHelp(
        signatures=[
            lsp.SignatureInformation(label=label, parameters=[lsp.ParameterInformation(label=name) for name in names])
            for label, names in SIGNATURES
        ],
        active_signature=shown.active_signature if shown is not None else 0,
        active_parameter=line[at:].count(","),
    )


def tokens(lines: list[str], first: int = 0, last: int | None = None) -> list[int]:
    data: list[int] = []
    previous_line = previous_start = 0
    for number, text in enumerate(lines):
        if number < first or (last is not None and number > last):
            continue
        for match in re.finditer(r"[A-Za-z_]\w*", text):
            name = match.group()
            if name.startswith("old_"):
                kind, modifiers = 0, 1
            elif name.startswith("static_"):
                kind, modifiers = 0, 2
            elif name[0].isupper():
                kind, modifiers = 1, 0
            else:
                continue
            delta_line = number - previous_line
            delta_start = match.start() - (previous_start if delta_line == 0 else 0)
            data += [delta_line, delta_start, len(name), kind, modifiers]
            previous_line, previous_start = number, match.start()
    return data


def remember(data: list[int]) -> str:
    result_id = str(next(_ids))
    results[result_id] = data
    return result_id


@server.feature(lsp.TEXT_DOCUMENT_SEMANTIC_TOKENS_FULL, LEGEND)
def semantic_full(ls: LanguageServer, params: lsp.SemanticTokensParams) -> lsp.SemanticTokens:
    stats["full"] += 1
    data = tokens(lines_of(ls, params.text_document.uri))
    return lsp.SemanticTokens(data=data, result_id=remember(data))


@server.feature(lsp.TEXT_DOCUMENT_SEMANTIC_TOKENS_FULL_DELTA, LEGEND)
def semantic_delta(
    ls: LanguageServer, params: lsp.SemanticTokensDeltaParams
) -> lsp.SemanticTokens | lsp.SemanticTokensDelta:
    data = tokens(lines_of(ls, params.text_document.uri))
    old = results.get(params.previous_result_id)
    if old is None:
        stats["full"] += 1
        return lsp.SemanticTokens(data=data, result_id=remember(data))
    stats["delta"] += 1
    prefix = 0
    while prefix < min(len(old), len(data)) and old[prefix] == data[prefix]:
        prefix += 1
    suffix = 0
    while suffix < min(len(old), len(data)) - prefix and old[-1 - suffix] == data[-1 - suffix]:
        suffix += 1
    edit = lsp.SemanticTokensEdit(
        start=prefix, delete_count=len(old) - prefix - suffix, data=data[prefix : len(data) - suffix]
    )
    return lsp.SemanticTokensDelta(edits=[edit], result_id=remember(data))


@server.feature(lsp.TEXT_DOCUMENT_SEMANTIC_TOKENS_RANGE, LEGEND)
def semantic_range(ls: LanguageServer, params: lsp.SemanticTokensRangeParams) -> lsp.SemanticTokens:
    stats["range"] += 1
    stats[f"range_from_{params.range.start.line}"] += 1
    lines = lines_of(ls, params.text_document.uri)
    return lsp.SemanticTokens(data=tokens(lines, params.range.start.line, params.range.end.line))


def locations(ls: LanguageServer, uri: str, prefix: str) -> list[lsp.Location]:
    found = []
    for number, text in enumerate(lines_of(ls, uri)):
        if text.startswith(prefix):
            start = lsp.Position(line=number, character=len(prefix))
            found.append(lsp.Location(uri=uri, range=lsp.Range(start=start, end=start)))
    return found


@server.feature(lsp.TEXT_DOCUMENT_IMPLEMENTATION)
def implementation(ls: LanguageServer, params: lsp.ImplementationParams) -> list[lsp.Location]:
    return locations(ls, params.text_document.uri, "class ")


@server.feature(lsp.TEXT_DOCUMENT_DECLARATION)
async def declaration(ls: LanguageServer, params: lsp.DeclarationParams) -> list[lsp.Location]:
    if "never" in lines_of(ls, params.text_document.uri)[params.position.line]:
        await never()
    return locations(ls, params.text_document.uri, "def ")[:1]


@server.feature(lsp.TEXT_DOCUMENT_HOVER)
async def hover(ls: LanguageServer, params: lsp.HoverParams) -> lsp.Hover | None:
    if "never" in lines_of(ls, params.text_document.uri)[params.position.line]:
        await never()
    return lsp.Hover(contents=lsp.MarkupContent(kind=lsp.MarkupKind.Markdown, value="**hover**"))


@server.feature(lsp.TEXT_DOCUMENT_COMPLETION, lsp.CompletionOptions(trigger_characters=["."]))
async def completion(ls: LanguageServer, params: lsp.CompletionParams) -> list[lsp.CompletionItem]:
    if "never" in lines_of(ls, params.text_document.uri)[params.position.line]:
        await never()
    return [lsp.CompletionItem(label="answered")]


@server.feature(lsp.TEXT_DOCUMENT_DOCUMENT_HIGHLIGHT)
async def document_highlight(ls: LanguageServer, params: lsp.DocumentHighlightParams) -> list[lsp.DocumentHighlight]:
    stats["document_highlight"] += 1
    if "never" in lines_of(ls, params.text_document.uri)[params.position.line]:
        await never()
    return []


@server.command("features.stats")
def report(ls: LanguageServer, *args: object) -> dict[str, int]:
    return dict(stats)


if __name__ == "__main__":
    server.start_io()
