"""Language servers in the workbench: document sync, diagnostics, completion, navigation and refactoring UI.

The protocol work lives in ``core.lsp``; this package turns its events into editor decorations, panels and popups,
and registers the ``lsp.*`` / ``editor.*`` language commands.
"""
