"""`python -m symphony_tui` is the same as `symphony`."""

from symphony_tui.cli import main

raise SystemExit(main())
