"""Running extensions from core: the host supervisor and the core side of the extension API (UI-free).

``HostSupervisor`` spawns ``python -m extensions.host`` processes with one-time tokens, routes commands and
events to them and restarts them when they crash; ``ExtensionApi`` answers their ``ext/*`` calls after a
capability check. Core never imports the extensions packages: manifests arrive as ``ExtensionSpec`` data.
"""

from typing import TYPE_CHECKING

from core.lazy import lazy_exports

if TYPE_CHECKING:
    from core.extensions.api import RPC_PREFIX, CommandRouter, ExtensionApi
    from core.extensions.headless_ui import HeadlessDocument, HeadlessUi
    from core.extensions.ports import CapabilityGate, MotifPort, UiPort
    from core.extensions.restart_policy import RestartPolicy
    from core.extensions.spec import ExtensionSpec, ExtensionStatus, Isolation
    from core.extensions.supervisor import HostSupervisor, StatusListener, minimal_env

# Loaded on first use (PEP 562): the host imports only spec and host_protocol, and its cold start counts.
_WHERE = {
    "RPC_PREFIX": "api",
    "CommandRouter": "api",
    "ExtensionApi": "api",
    "HeadlessDocument": "headless_ui",
    "HeadlessUi": "headless_ui",
    "CapabilityGate": "ports",
    "UiPort": "ports",
    "MotifPort": "ports",
    "RestartPolicy": "restart_policy",
    "ExtensionSpec": "spec",
    "ExtensionStatus": "spec",
    "Isolation": "spec",
    "HostSupervisor": "supervisor",
    "StatusListener": "supervisor",
    "minimal_env": "supervisor",
}


__getattr__ = lazy_exports("core.extensions", _WHERE)


__all__ = [
    "RPC_PREFIX",
    "CapabilityGate",
    "CommandRouter",
    "ExtensionApi",
    "ExtensionSpec",
    "ExtensionStatus",
    "HeadlessDocument",
    "HeadlessUi",
    "HostSupervisor",
    "Isolation",
    "MotifPort",
    "RestartPolicy",
    "StatusListener",
    "UiPort",
    "minimal_env",
]
