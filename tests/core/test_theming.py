"""Theme files: shipped themes are valid, broken user themes are reported precisely and skipped."""

from __future__ import annotations

from pathlib import Path

from core.theming import builtin_theme_dir, discover_themes, load_theme_file


def test_three_shipped_themes_load() -> None:
    themes, problems = discover_themes([builtin_theme_dir()])
    assert problems == []
    assert {"symphony-dark", "symphony-light", "symphony-high-contrast"} <= set(themes)
    assert themes["symphony-light"].dark is False
    assert themes["symphony-dark"].syntax["keyword"]


def test_user_theme_overrides_builtin_of_same_name(tmp_path: Path) -> None:
    text = (builtin_theme_dir() / "symphony-dark.toml").read_text().replace("Symphony Dark", "My Dark")
    (tmp_path / "mine.toml").write_text(text)
    themes, _ = discover_themes([builtin_theme_dir(), tmp_path])
    assert themes["symphony-dark"].display_name == "My Dark"


def test_bad_colour_names_file_and_key(tmp_path: Path) -> None:
    text = (builtin_theme_dir() / "symphony-dark.toml").read_text()
    text = text.replace('primary = "#5fa8ff"', 'primary = "blue-ish"').replace("symphony-dark", "broken")
    bad = tmp_path / "broken.toml"
    bad.write_text(text)
    themes, problems = discover_themes([builtin_theme_dir(), tmp_path])
    assert "broken" not in themes and "symphony-dark" in themes
    assert len(problems) == 1
    assert str(bad) in problems[0].message and "colors.primary" in problems[0].message


def test_toml_syntax_error_names_the_line(tmp_path: Path) -> None:
    bad = tmp_path / "x.toml"
    bad.write_text('name = "x"\ndisplay_name = \n')
    _, problems = discover_themes([tmp_path])
    assert str(bad) in problems[0].message and "line 2" in problems[0].message


def test_style_words_are_checked(tmp_path: Path) -> None:
    text = (builtin_theme_dir() / "symphony-dark.toml").read_text().replace('"#c792ea"', '"#c792ea blink-fast"', 1)
    path = tmp_path / "t.toml"
    path.write_text(text)
    try:
        load_theme_file(path)
    except Exception as exc:
        assert "blink-fast" in str(exc)
    else:
        raise AssertionError("an unknown style word must be rejected")
