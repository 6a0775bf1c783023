"""detect_language / language_label: what the status bar says a file is."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.workspace.languages import detect_language, known_languages, language_label

REQUIRED = {
    "main.py": "python",
    "README.md": "markdown",
    "pyproject.toml": "toml",
    "package.json": "json",
    "app.js": "javascript",
    "app.ts": "typescript",
    "App.tsx": "tsx",
    "lib.rs": "rust",
    "main.go": "go",
    "main.c": "c",
    "main.cpp": "cpp",
    "Main.java": "java",
    "Main.kt": "kotlin",
    "app.rb": "ruby",
    "index.php": "php",
    "index.html": "html",
    "site.css": "css",
    "site.scss": "scss",
    "ci.yml": "yaml",
    "ci.yaml": "yaml",
    "pom.xml": "xml",
    "build.sh": "bash",
    "config.fish": "fish",
    "schema.sql": "sql",
    "init.lua": "lua",
    "build.zig": "zig",
    "Main.hs": "haskell",
    "main.ml": "ocaml",
    "mix.exs": "elixir",
    "app.erl": "erlang",
    "analysis.R": "r",
    "App.swift": "swift",
    "Main.scala": "scala",
    "Program.cs": "csharp",
    "main.dart": "dart",
    "web.dockerfile": "dockerfile",
    "rules.mk": "make",
    "setup.cfg": "ini",
    "settings.ini": "ini",
    "words.regex": "regex",
    "fix.diff": "diff",
    "fix.patch": "diff",
    "notes.txt": "text",
}


@pytest.mark.parametrize(("name", "language"), sorted(REQUIRED.items()))
def test_extension_picks_the_language(name: str, language: str) -> None:
    assert detect_language(Path("src") / name) == language


def test_at_least_forty_extensions_are_known() -> None:
    assert len({Path(name).suffix for name in REQUIRED}) >= 40


@pytest.mark.parametrize(
    ("name", "language"),
    [
        ("Makefile", "make"),
        ("GNUmakefile", "make"),
        ("makefile", "make"),
        ("Makefile.am", "make"),
        ("Dockerfile", "dockerfile"),
        ("Dockerfile.dev", "dockerfile"),
        ("Containerfile", "dockerfile"),
        (".gitignore", "gitignore"),
        (".dockerignore", "gitignore"),
        (".bashrc", "bash"),
        (".zshrc", "zsh"),
        ("CMakeLists.txt", "cmake"),
        ("Cargo.lock", "toml"),
        ("Gemfile", "ruby"),
        ("go.mod", "gomod"),
        (".env.local", "properties"),
        ("requirements-dev.txt", "text"),
    ],
)
def test_well_known_file_names_beat_extensions(name: str, language: str) -> None:
    assert detect_language(Path(name)) == language


def test_compound_extension_wins_over_the_last_one() -> None:
    assert detect_language(Path("types.d.ts")) == "typescript"


def test_extension_match_ignores_case() -> None:
    assert detect_language(Path("README.MD")) == "markdown"
    assert detect_language(Path("SCRIPT.PY")) == "python"


@pytest.mark.parametrize(
    ("line", "language"),
    [
        ("#!/usr/bin/env python3", "python"),
        ("#!/usr/bin/python3.12 -u", "python"),
        ("#!/bin/bash", "bash"),
        ("#!/bin/sh -e", "bash"),
        ("#! /usr/bin/env node", "javascript"),
        ("#!/usr/bin/env -S node --experimental-modules", "javascript"),
        ("#!/usr/bin/env -S deno run --allow-net", "typescript"),
        ("#!/usr/bin/env PYTHONUNBUFFERED=1 python", "python"),
        ("#!/usr/bin/env ruby", "ruby"),
        ("#!/usr/bin/perl -w", "perl"),
        ("#!/usr/bin/env fish", "fish"),
        ("#!/usr/local/bin/lua5.4", "lua"),
    ],
)
def test_shebang_names_the_language_of_extensionless_scripts(line: str, language: str) -> None:
    assert detect_language(Path("bin/tool"), line) == language


def test_unknown_interpreter_and_empty_env_shebang_are_plain_text() -> None:
    assert detect_language(Path("tool"), "#!/usr/bin/env") == "text"
    assert detect_language(Path("tool"), "#!/opt/frobnicate") == "text"


def test_extension_beats_shebang() -> None:
    assert detect_language(Path("x.rb"), "#!/usr/bin/env python") == "ruby"


@pytest.mark.parametrize(
    ("line", "language"),
    [
        ("# vim: set ft=python :", "python"),
        ("// vim: filetype=javascript", "javascript"),
        ("# vi: ft=sh", "bash"),
        ("# -*- mode: ruby -*-", "ruby"),
        ("; -*- mode: makefile; tab-width: 8 -*-", "make"),
        ("# -*- python -*-", "python"),
        ("/* -*- c++ -*- */", "cpp"),
    ],
)
def test_modeline_declares_the_language_and_beats_the_file_name(line: str, language: str) -> None:
    assert detect_language(Path("notes.txt"), line) == language


def test_modelines_without_a_language_are_ignored() -> None:
    assert detect_language(Path("a.py"), "# -*- coding: utf-8 -*-") == "python"
    assert detect_language(Path("a.py"), "# vim: set ts=4 sw=4 :") == "python"
    assert detect_language(Path("a.py"), "# vim: ft=nosuchlanguage") == "python"


def test_unknown_file_and_no_path_are_plain_text() -> None:
    assert detect_language(Path("data.unknownext")) == "text"
    assert detect_language(Path("LICENSE")) == "text"
    assert detect_language(None) == "text"
    assert detect_language(None, "#!/usr/bin/env python") == "python"


@pytest.mark.parametrize(
    ("language", "label"),
    [("python", "Python"), ("javascript", "JavaScript"), ("cpp", "C++"), ("csharp", "C#"), ("text", "Plain Text")],
)
def test_language_label_is_the_display_name(language: str, label: str) -> None:
    assert language_label(language) == label


def test_unknown_language_id_still_gets_a_readable_label() -> None:
    assert language_label("some-lang") == "Some Lang"
    assert language_label("") == "Plain Text"


@given(name=st.text(min_size=1, max_size=20).filter(lambda s: "/" not in s and "\x00" not in s), line=st.text())
def test_every_detected_language_has_a_label(name: str, line: str) -> None:
    language = detect_language(Path(name), line)
    assert language in known_languages()
    assert language_label(language)
