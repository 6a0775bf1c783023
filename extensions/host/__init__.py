"""The extension host: ``python -m extensions.host --socket PATH``, a separate process running extensions.

It connects to core with the one-time token from ``$SYMPHONY_IPC_TOKEN``, loads each extension only when core
asks it to activate it, and serves commands and events; every ``ctx`` call goes back to core over IPC, where it
is permission-checked. An extension that raises never takes the host down.
"""
