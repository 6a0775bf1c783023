"""Theme files shipped with Symphony (data only; loaded by core.theming)."""
