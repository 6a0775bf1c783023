"""Symphony core: documents, files, config, IPC and services. Imports no UI library."""

__version__ = "0.1.0"
