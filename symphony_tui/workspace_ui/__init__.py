"""The workspace side of the UI: side bar views (explorer, search, source control, outline), their commands and
the glue to core.workspace (file operations, git, the watcher)."""
