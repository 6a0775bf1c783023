"""A small, fixed demo workspace for UI tests and snapshots (built in a temp dir so tests can edit it)."""

from __future__ import annotations

from pathlib import Path

FILES: dict[str, str] = {
    "README.md": "# Demo\n\nA *small* workspace for **Symphony** tests.\n\n- one\n- two\n",
    "pyproject.toml": '[project]\nname = "demo"\nversion = "0.1.0"\ndependencies = ["textual>=8"]\n',
    "src/demo/__init__.py": '"""Demo package."""\n',
    "src/demo/app.py": (
        '"""A tiny module to look at."""\n\nimport os\n\n\ndef greet(name: str, times: int = 2) -> str:\n'
        '    """Say hello."""\n    if not name:\n        raise ValueError("name is empty")\n'
        '    return ", ".join([f"hello {name}"] * times)  # greeting\n\n\n'
        'class Config:\n    debug = True\n    home = os.environ.get("HOME", "/")\n'
    ),
    "data/settings.json": '{\n  "name": "demo",\n  "enabled": true,\n  "ratio": 0.5,\n  "tags": [null, 1]\n}\n',
    "web/index.js": (
        "// entry\nexport function add(a, b) {\n  return a + b; // sum\n}\nconst msg = `hi ${add(1, 2)}`;\n"
    ),
    "notes.txt": "plain text notes\n",
    "crlf.txt": "first line\r\nsecond line\r\n",
    ".gitignore": "build/\n*.log\n",
    ".env": "SECRET=1\n",
    "build/out.txt": "generated\n",
    "debug.log": "log line\n",
}


def make_demo_workspace(parent: Path) -> Path:
    """Create ``parent/demo`` with the demo files and return it."""
    root = parent / "demo"
    for rel, text in FILES.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(text.encode("utf-8"))
    return root
