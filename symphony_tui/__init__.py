"""Symphony's face: the Textual workbench and the `symphony` command line."""
