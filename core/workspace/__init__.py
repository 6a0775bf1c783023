"""The workspace: text files on disk, languages, the file tree, file listing and fuzzy file ranking."""
