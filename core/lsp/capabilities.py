"""What Symphony's client tells servers it can do; servers only send what a client announces."""

from __future__ import annotations

from lsprotocol import types as lsp

_MARKUP = [lsp.MarkupKind.Markdown, lsp.MarkupKind.PlainText]


def client_capabilities() -> lsp.ClientCapabilities:
    """The capabilities sent in every initialize request."""
    return lsp.ClientCapabilities(
        general=lsp.GeneralClientCapabilities(
            position_encodings=[lsp.PositionEncodingKind.Utf32, lsp.PositionEncodingKind.Utf16],
        ),
        window=lsp.WindowClientCapabilities(work_done_progress=True),
        workspace=lsp.WorkspaceClientCapabilities(
            apply_edit=True,
            workspace_edit=lsp.WorkspaceEditClientCapabilities(
                document_changes=True,
                resource_operations=[
                    lsp.ResourceOperationKind.Create,
                    lsp.ResourceOperationKind.Rename,
                    lsp.ResourceOperationKind.Delete,
                ],
            ),
            configuration=True,
            workspace_folders=True,
            symbol=lsp.WorkspaceSymbolClientCapabilities(),
        ),
        text_document=lsp.TextDocumentClientCapabilities(
            synchronization=lsp.TextDocumentSyncClientCapabilities(did_save=True),
            completion=lsp.CompletionClientCapabilities(
                completion_item=lsp.ClientCompletionItemOptions(
                    snippet_support=True,
                    commit_characters_support=True,
                    documentation_format=_MARKUP,
                    insert_replace_support=True,
                    label_details_support=True,
                    insert_text_mode_support=lsp.ClientCompletionItemInsertTextModeOptions(
                        value_set=[lsp.InsertTextMode.AsIs, lsp.InsertTextMode.AdjustIndentation]
                    ),
                    resolve_support=lsp.ClientCompletionItemResolveOptions(
                        properties=["documentation", "detail", "additionalTextEdits"]
                    ),
                ),
                context_support=True,
                insert_text_mode=lsp.InsertTextMode.AsIs,
                completion_list=lsp.CompletionListCapabilities(
                    item_defaults=["commitCharacters", "editRange", "insertTextFormat", "insertTextMode", "data"]
                ),
            ),
            hover=lsp.HoverClientCapabilities(content_format=_MARKUP),
            signature_help=lsp.SignatureHelpClientCapabilities(
                signature_information=lsp.ClientSignatureInformationOptions(
                    documentation_format=_MARKUP,
                    parameter_information=lsp.ClientSignatureParameterInformationOptions(label_offset_support=True),
                    active_parameter_support=True,
                ),
                context_support=True,
            ),
            declaration=lsp.DeclarationClientCapabilities(link_support=True),
            definition=lsp.DefinitionClientCapabilities(link_support=True),
            type_definition=lsp.TypeDefinitionClientCapabilities(link_support=True),
            implementation=lsp.ImplementationClientCapabilities(link_support=True),
            references=lsp.ReferenceClientCapabilities(),
            document_highlight=lsp.DocumentHighlightClientCapabilities(),
            document_symbol=lsp.DocumentSymbolClientCapabilities(hierarchical_document_symbol_support=True),
            code_action=lsp.CodeActionClientCapabilities(
                code_action_literal_support=lsp.ClientCodeActionLiteralOptions(
                    code_action_kind=lsp.ClientCodeActionKindOptions(value_set=list(lsp.CodeActionKind))
                ),
                is_preferred_support=True,
                resolve_support=lsp.ClientCodeActionResolveOptions(properties=["edit"]),
            ),
            formatting=lsp.DocumentFormattingClientCapabilities(),
            range_formatting=lsp.DocumentRangeFormattingClientCapabilities(),
            rename=lsp.RenameClientCapabilities(prepare_support=True),
            publish_diagnostics=lsp.PublishDiagnosticsClientCapabilities(
                related_information=True, version_support=True
            ),
            inlay_hint=lsp.InlayHintClientCapabilities(),
            semantic_tokens=lsp.SemanticTokensClientCapabilities(
                requests=lsp.ClientSemanticTokensRequestOptions(
                    range=True, full=lsp.ClientSemanticTokensRequestFullDelta(delta=True)
                ),
                token_types=[kind.value for kind in lsp.SemanticTokenTypes],
                token_modifiers=[kind.value for kind in lsp.SemanticTokenModifiers],
                formats=[lsp.TokenFormat.Relative],
                multiline_token_support=False,
            ),
        ),
    )


__all__ = ["client_capabilities"]
