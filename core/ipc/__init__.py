"""IPC protocol v1: frames, codecs, handshake, transports, RPC peer, bus (see docs/ipc-protocol.md)."""
