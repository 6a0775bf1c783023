"""Which language a file is written in, from its name, a modeline or its shebang.

Language ids are lower-case and stable (they pick highlighters, language servers and settings sections);
``language_label`` turns one into what the status bar shows.
"""

from __future__ import annotations

import re
from pathlib import PurePath

PLAIN_TEXT = "text"

# id -> display name. Every id detect_language can return is listed here.
_LABELS: dict[str, str] = {
    "bash": "Shell Script",
    "c": "C",
    "clojure": "Clojure",
    "cmake": "CMake",
    "cpp": "C++",
    "csharp": "C#",
    "css": "CSS",
    "csv": "CSV",
    "dart": "Dart",
    "diff": "Diff",
    "dockerfile": "Dockerfile",
    "elixir": "Elixir",
    "elm": "Elm",
    "erlang": "Erlang",
    "fish": "Fish",
    "fsharp": "F#",
    "gitattributes": "Git Attributes",
    "gitconfig": "Git Config",
    "gitignore": "Git Ignore",
    "go": "Go",
    "gomod": "Go Module",
    "graphql": "GraphQL",
    "groovy": "Groovy",
    "haskell": "Haskell",
    "hcl": "HCL",
    "html": "HTML",
    "ini": "INI",
    "java": "Java",
    "javascript": "JavaScript",
    "json": "JSON",
    "jsonc": "JSON with Comments",
    "julia": "Julia",
    "kotlin": "Kotlin",
    "latex": "LaTeX",
    "less": "Less",
    "lua": "Lua",
    "make": "Makefile",
    "markdown": "Markdown",
    "nim": "Nim",
    "nix": "Nix",
    "objective-c": "Objective-C",
    "ocaml": "OCaml",
    "perl": "Perl",
    "php": "PHP",
    "powershell": "PowerShell",
    "properties": "Properties",
    "protobuf": "Protocol Buffers",
    "python": "Python",
    "r": "R",
    "regex": "Regular Expression",
    "restructuredtext": "reStructuredText",
    "ruby": "Ruby",
    "rust": "Rust",
    "sass": "Sass",
    "scala": "Scala",
    "scss": "SCSS",
    "sql": "SQL",
    "svelte": "Svelte",
    "swift": "Swift",
    "tcl": "Tcl",
    "terraform": "Terraform",
    PLAIN_TEXT: "Plain Text",
    "toml": "TOML",
    "tsx": "TypeScript JSX",
    "typescript": "TypeScript",
    "vim": "Vim Script",
    "vue": "Vue",
    "xml": "XML",
    "yaml": "YAML",
    "zig": "Zig",
    "zsh": "Zsh",
}

# Exact file names (compared case-sensitively first, then case-insensitively).
_FILE_NAMES: dict[str, str] = {
    ".bash_profile": "bash",
    ".bashrc": "bash",
    ".dockerignore": "gitignore",
    ".editorconfig": "ini",
    ".env": "properties",
    ".gitattributes": "gitattributes",
    ".gitconfig": "gitconfig",
    ".gitignore": "gitignore",
    ".gitmodules": "gitconfig",
    ".npmrc": "ini",
    ".profile": "bash",
    ".vimrc": "vim",
    ".zshrc": "zsh",
    "CMakeLists.txt": "cmake",
    "Cargo.lock": "toml",
    "Containerfile": "dockerfile",
    "Dockerfile": "dockerfile",
    "GNUmakefile": "make",
    "Gemfile": "ruby",
    "Jenkinsfile": "groovy",
    "Makefile": "make",
    "Pipfile": "toml",
    "Rakefile": "ruby",
    "Vagrantfile": "ruby",
    "go.mod": "gomod",
    "go.sum": "gomod",
    "makefile": "make",
    "poetry.lock": "toml",
    "requirements.txt": PLAIN_TEXT,
    "tsconfig.json": "jsonc",
    "uv.lock": "toml",
}
_FILE_NAMES_FOLDED = {name.casefold(): language for name, language in _FILE_NAMES.items()}

# File name prefixes/suffixes that name a family (Dockerfile.dev, Makefile.am, requirements-dev.txt...).
_NAME_PATTERNS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"^(Dockerfile|Containerfile)[.-]", re.IGNORECASE), "dockerfile"),
    (re.compile(r"^(GNU)?makefile\.", re.IGNORECASE), "make"),
    (re.compile(r"^\.env\.", re.IGNORECASE), "properties"),
    (re.compile(r"^requirements.*\.(txt|in)$", re.IGNORECASE), PLAIN_TEXT),
    (re.compile(r"^\.gitignore_", re.IGNORECASE), "gitignore"),
)

# Extensions, lower-case and without the dot; compound ones ("d.ts") are tried first.
_EXTENSIONS: dict[str, str] = {
    "bash": "bash",
    "c": "c",
    "cc": "cpp",
    "cfg": "ini",
    "cjs": "javascript",
    "clj": "clojure",
    "cljs": "clojure",
    "cmake": "cmake",
    "conf": "ini",
    "cpp": "cpp",
    "cs": "csharp",
    "css": "css",
    "csv": "csv",
    "cts": "typescript",
    "cxx": "cpp",
    "d.ts": "typescript",
    "dart": "dart",
    "diff": "diff",
    "dockerfile": "dockerfile",
    "elm": "elm",
    "erl": "erlang",
    "ex": "elixir",
    "exs": "elixir",
    "fish": "fish",
    "fs": "fsharp",
    "fsi": "fsharp",
    "fsx": "fsharp",
    "gemspec": "ruby",
    "go": "go",
    "gql": "graphql",
    "gradle": "groovy",
    "graphql": "graphql",
    "groovy": "groovy",
    "h": "c",
    "hcl": "hcl",
    "hh": "cpp",
    "hpp": "cpp",
    "hrl": "erlang",
    "hs": "haskell",
    "htm": "html",
    "html": "html",
    "hxx": "cpp",
    "ini": "ini",
    "ipynb": "json",
    "java": "java",
    "jl": "julia",
    "js": "javascript",
    "json": "json",
    "json5": "jsonc",
    "jsonc": "jsonc",
    "jsonl": "json",
    "jsx": "javascript",
    "kt": "kotlin",
    "kts": "kotlin",
    "less": "less",
    "lhs": "haskell",
    "log": PLAIN_TEXT,
    "lua": "lua",
    "m": "objective-c",
    "markdown": "markdown",
    "md": "markdown",
    "mdx": "markdown",
    "mjs": "javascript",
    "mk": "make",
    "ml": "ocaml",
    "mli": "ocaml",
    "mm": "objective-c",
    "mts": "typescript",
    "nim": "nim",
    "nix": "nix",
    "patch": "diff",
    "php": "php",
    "pl": "perl",
    "pm": "perl",
    "properties": "properties",
    "proto": "protobuf",
    "ps1": "powershell",
    "psm1": "powershell",
    "py": "python",
    "pyi": "python",
    "pyw": "python",
    "pyx": "python",
    "r": "r",
    "rake": "ruby",
    "rb": "ruby",
    "regex": "regex",
    "rs": "rust",
    "rst": "restructuredtext",
    "sass": "sass",
    "sc": "scala",
    "scala": "scala",
    "scss": "scss",
    "sh": "bash",
    "sql": "sql",
    "svelte": "svelte",
    "svg": "xml",
    "swift": "swift",
    "tcl": "tcl",
    "tex": "latex",
    "tf": "terraform",
    "tfvars": "terraform",
    "toml": "toml",
    "ts": "typescript",
    "tsx": "tsx",
    "txt": PLAIN_TEXT,
    "vim": "vim",
    "vue": "vue",
    "xhtml": "html",
    "xml": "xml",
    "xsd": "xml",
    "xsl": "xml",
    "yaml": "yaml",
    "yml": "yaml",
    "zig": "zig",
    "zsh": "zsh",
}

# Interpreter names after "#!" (version suffixes like python3.12 are stripped first).
_INTERPRETERS: dict[str, str] = {
    "ash": "bash",
    "bash": "bash",
    "bun": "javascript",
    "dash": "bash",
    "deno": "typescript",
    "elixir": "elixir",
    "escript": "erlang",
    "fish": "fish",
    "groovy": "groovy",
    "julia": "julia",
    "ksh": "bash",
    "lua": "lua",
    "luajit": "lua",
    "make": "make",
    "node": "javascript",
    "nodejs": "javascript",
    "perl": "perl",
    "php": "php",
    "pwsh": "powershell",
    "pypy": "python",
    "python": "python",
    "rscript": "r",
    "ruby": "ruby",
    "runghc": "haskell",
    "scala": "scala",
    "sh": "bash",
    "swift": "swift",
    "tclsh": "tcl",
    "ts-node": "typescript",
    "tsx": "typescript",
    "uv": "python",
    "zsh": "zsh",
}

# Names used by vim `ft=`/emacs `mode:` that differ from our ids.
_MODELINE_ALIASES: dict[str, str] = {
    "c++": "cpp",
    "cs": "csharp",
    "docker": "dockerfile",
    "dosini": "ini",
    "emacs-lisp": PLAIN_TEXT,
    "gitcommit": PLAIN_TEXT,
    "js": "javascript",
    "makefile": "make",
    "md": "markdown",
    "objc": "objective-c",
    "py": "python",
    "rst": "restructuredtext",
    "sh": "bash",
    "shell-script": "bash",
    "tex": "latex",
    "ts": "typescript",
    "typescriptreact": "tsx",
    "yml": "yaml",
}

_SHEBANG = re.compile(r"^#!\s*(?P<command>\S+)(?P<args>.*)$")
_VERSION_SUFFIX = re.compile(r"[\d.]+$")
_VIM_MODELINE = re.compile(r"(?:^|\s)(?:vim?|ex):.*?\b(?:ft|filetype|syntax|syn)=(?P<lang>[\w+.-]+)")
_EMACS_MODELINE = re.compile(r"-\*-\s*(?P<body>.*?)\s*-\*-")


def detect_language(path: PurePath | None, first_line: str = "") -> str:
    """The language id for a file: modeline, then file name, then extension, then shebang, else "text"."""
    from_modeline = _from_modeline(first_line)
    if from_modeline is not None:
        return from_modeline
    if path is not None:
        from_name = _from_file_name(path.name)
        if from_name is not None:
            return from_name
    from_shebang = _from_shebang(first_line)
    return from_shebang if from_shebang is not None else PLAIN_TEXT


def language_label(language_id: str) -> str:
    """What the status bar and menus show for a language id ("python" -> "Python")."""
    return _LABELS.get(language_id, language_id.replace("-", " ").title() if language_id else _LABELS[PLAIN_TEXT])


def known_languages() -> list[str]:
    """Every id ``detect_language`` can return, sorted; for "change language" pickers."""
    return sorted(_LABELS)


def _from_file_name(name: str) -> str | None:
    exact = _FILE_NAMES.get(name) or _FILE_NAMES_FOLDED.get(name.casefold())
    if exact is not None:
        return exact
    for pattern, family in _NAME_PATTERNS:
        if pattern.search(name):
            return family
    # "types.d.ts": try the longest dotted suffix first; a leading dot (".bashrc") is not an extension.
    parts = name.lower().lstrip(".").split(".")
    for start in range(1, len(parts)):
        by_extension = _EXTENSIONS.get(".".join(parts[start:]))
        if by_extension is not None:
            return by_extension
    return None


def _from_shebang(first_line: str) -> str | None:
    match = _SHEBANG.match(first_line.strip())
    if match is None:
        return None
    command = PurePath(match["command"]).name
    args = match["args"].split()
    if command == "env":
        # `env -S node --flag` or `env VAR=1 python3`: the first word that is neither option nor assignment.
        args = [arg for arg in args if not arg.startswith("-") and "=" not in arg]
        if not args:
            return None
        command = PurePath(args[0]).name
    name = _VERSION_SUFFIX.sub("", command.lower()) or command.lower()
    return _INTERPRETERS.get(name) or _INTERPRETERS.get(command.lower())


def _from_modeline(first_line: str) -> str | None:
    vim = _VIM_MODELINE.search(first_line)
    if vim is not None:
        return _modeline_language(vim["lang"])
    emacs = _EMACS_MODELINE.search(first_line)
    if emacs is None:
        return None
    body = emacs["body"]
    if ":" not in body:  # -*- python -*-
        return _modeline_language(body.strip()) if body.strip() else None
    for setting in body.split(";"):
        key, _, value = setting.partition(":")
        if key.strip().lower() == "mode" and value.strip():
            return _modeline_language(value.strip())
    return None  # e.g. -*- coding: utf-8 -*-


def _modeline_language(name: str) -> str | None:
    lowered = name.lower()
    if lowered.endswith("-mode"):
        lowered = lowered[: -len("-mode")]
    language = _MODELINE_ALIASES.get(lowered, lowered)
    return language if language in _LABELS else None


__all__ = ["PLAIN_TEXT", "detect_language", "known_languages", "language_label"]
