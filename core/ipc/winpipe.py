"""Windows named pipes only the current user can open (docs/ipc-protocol.md §5.2, §7).

asyncio's pipe server creates every instance with a NULL security descriptor, which grants access to anyone the
default DACL allows (other users' processes included on a shared machine). This module creates each instance with
an explicit, protected DACL granting GENERIC_ALL to the current user's SID (and SYSTEM) only, and refuses remote
clients (``PIPE_REJECT_REMOTE_CLIENTS``). It uses ctypes, so no pywin32 is needed; on other platforms only the
pure helpers exist, and ``core.ipc.transport`` never calls the rest.
"""

from __future__ import annotations

import sys
from typing import Final

SYSTEM_SID: Final = "S-1-5-18"
PIPE_REJECT_REMOTE_CLIENTS: Final = 0x00000008


def owner_only_sddl(user_sid: str) -> str:
    """The SDDL of a protected DACL allowing only ``user_sid`` and SYSTEM full access (no inherited entries)."""
    if not user_sid.startswith("S-1-") or any(c not in "S0123456789-" for c in user_sid):
        raise ValueError(f"not a string SID: {user_sid!r}")
    return f"D:P(A;;GA;;;{user_sid})(A;;GA;;;{SYSTEM_SID})"


if sys.platform == "win32":  # pragma: no cover - exercised on Windows only; CI is Linux
    import _winapi
    import asyncio
    import ctypes
    from asyncio import windows_events, windows_utils
    from ctypes import wintypes
    from typing import Any

    from core.errors import PermissionDeniedError

    _advapi32 = ctypes.WinDLL("advapi32", use_last_error=True)
    _kernel32 = ctypes.WinDLL("kernel32", use_last_error=True)
    _TOKEN_QUERY = 0x0008
    _TOKEN_USER = 1
    _SDDL_REVISION_1 = 1
    _INVALID_HANDLE_VALUE = wintypes.HANDLE(-1).value

    class _SecurityAttributes(ctypes.Structure):
        _fields_ = [
            ("nLength", wintypes.DWORD),
            ("lpSecurityDescriptor", wintypes.LPVOID),
            ("bInheritHandle", wintypes.BOOL),
        ]

    class _SidAndAttributes(ctypes.Structure):
        _fields_ = [("Sid", wintypes.LPVOID), ("Attributes", wintypes.DWORD)]

    def _fail(what: str) -> PermissionDeniedError:
        code = ctypes.get_last_error()
        return PermissionDeniedError(
            f"{what} failed (Windows error {code}: {ctypes.FormatError(code).strip()})",
            hint="Symphony could not restrict its IPC pipe to your account; it does not listen unprotected.",
        )

    def current_user_sid() -> str:
        """The string SID of the user this process runs as."""
        token = wintypes.HANDLE()
        if not _advapi32.OpenProcessToken(_kernel32.GetCurrentProcess(), _TOKEN_QUERY, ctypes.byref(token)):
            raise _fail("OpenProcessToken")
        try:
            size = wintypes.DWORD()
            _advapi32.GetTokenInformation(token, _TOKEN_USER, None, 0, ctypes.byref(size))
            buffer = ctypes.create_string_buffer(size.value)
            if not _advapi32.GetTokenInformation(token, _TOKEN_USER, buffer, size, ctypes.byref(size)):
                raise _fail("GetTokenInformation")
            user = _SidAndAttributes.from_buffer(buffer)
            text = wintypes.LPWSTR()
            if not _advapi32.ConvertSidToStringSidW(user.Sid, ctypes.byref(text)):
                raise _fail("ConvertSidToStringSidW")
            try:
                return str(text.value)
            finally:
                _kernel32.LocalFree(text)
        finally:
            _kernel32.CloseHandle(token)

    class OwnerOnlySecurity:
        """A SECURITY_ATTRIBUTES whose descriptor is owner_only_sddl(current user); freed with ``close``."""

        def __init__(self) -> None:
            descriptor = wintypes.LPVOID()
            sddl = owner_only_sddl(current_user_sid())
            if not _advapi32.ConvertStringSecurityDescriptorToSecurityDescriptorW(
                sddl, _SDDL_REVISION_1, ctypes.byref(descriptor), None
            ):
                raise _fail("ConvertStringSecurityDescriptorToSecurityDescriptorW")
            self._descriptor = descriptor
            self.attributes = _SecurityAttributes(ctypes.sizeof(_SecurityAttributes), descriptor, False)

        def close(self) -> None:
            """Free the descriptor (pipe instances keep their own copy)."""
            if self._descriptor:
                _kernel32.LocalFree(self._descriptor)
                self._descriptor = wintypes.LPVOID()

    class OwnerOnlyPipeServer(windows_events.PipeServer):  # type: ignore[misc, unused-ignore]
        """asyncio's PipeServer, but every instance carries the owner-only DACL and rejects remote clients."""

        def __init__(self, address: str) -> None:
            self._security = OwnerOnlySecurity()
            super().__init__(address)

        def _server_pipe_handle(self, first: bool) -> Any:
            state: Any = self  # asyncio's private attributes, which typeshed does not declare
            if self.closed():
                return None
            flags = _winapi.PIPE_ACCESS_DUPLEX | _winapi.FILE_FLAG_OVERLAPPED
            if first:
                flags |= _winapi.FILE_FLAG_FIRST_PIPE_INSTANCE
            mode = (
                _winapi.PIPE_TYPE_MESSAGE | _winapi.PIPE_READMODE_MESSAGE | _winapi.PIPE_WAIT
            ) | PIPE_REJECT_REMOTE_CLIENTS
            handle = _kernel32.CreateNamedPipeW(
                state._address,
                flags,
                mode,
                _winapi.PIPE_UNLIMITED_INSTANCES,
                windows_utils.BUFSIZE,
                windows_utils.BUFSIZE,
                _winapi.NMPWAIT_WAIT_FOREVER,
                ctypes.byref(self._security.attributes),
            )
            if handle == _INVALID_HANDLE_VALUE or handle is None:
                raise _fail(f"CreateNamedPipeW({state._address})")
            pipe = windows_utils.PipeHandle(handle)
            state._free_instances.add(pipe)
            return pipe

        def close(self) -> None:
            super().close()
            self._security.close()

    _kernel32.CreateNamedPipeW.restype = wintypes.HANDLE
    _kernel32.CreateNamedPipeW.argtypes = [
        wintypes.LPCWSTR,
        wintypes.DWORD,
        wintypes.DWORD,
        wintypes.DWORD,
        wintypes.DWORD,
        wintypes.DWORD,
        wintypes.DWORD,
        ctypes.POINTER(_SecurityAttributes),
    ]

    async def serve_owner_only_pipe(
        loop: windows_events.ProactorEventLoop, protocol_factory: Any, address: str
    ) -> list[OwnerOnlyPipeServer]:
        """``loop.start_serving_pipe`` with OwnerOnlyPipeServer instances (same accept loop as asyncio's)."""
        server = OwnerOnlyPipeServer(address)
        srv: Any = server  # asyncio's private attributes, which typeshed does not declare
        lp: Any = loop

        def loop_accept_pipe(f: Any = None) -> None:
            pipe = None
            try:
                if f:
                    pipe = f.result()
                    srv._free_instances.discard(pipe)
                    if server.closed():
                        pipe.close()
                        return
                    lp._make_duplex_pipe_transport(pipe, protocol_factory(), extra={"addr": address})
                pipe = srv._get_unconnected_pipe()
                if pipe is None:
                    return
                f = lp._proactor.accept_pipe(pipe)
            except BrokenPipeError:
                if pipe and pipe.fileno() != -1:
                    pipe.close()
                loop.call_soon(loop_accept_pipe)
            except OSError as exc:
                if pipe and pipe.fileno() != -1:
                    loop.call_exception_handler({"message": "Pipe accept failed", "exception": exc, "pipe": pipe})
                    pipe.close()
                loop.call_soon(loop_accept_pipe)
            except asyncio.CancelledError:
                if pipe:
                    pipe.close()
            else:
                srv._accept_pipe_future = f
                f.add_done_callback(loop_accept_pipe)

        loop.call_soon(loop_accept_pipe)
        return [server]
