"""The Orchestra Kit's management side: manifests, lifecycle, permissions, packages, registry and installer.

Modules: ``manifest`` (Symphony.toml), ``versions`` (semver ranges), ``chambering`` (lifecycle state machine),
``permissions`` (grants and the prompt gate), ``package`` (``.symph`` pack/verify/extract), ``registry`` (the
local index of installed extensions), ``resolver`` (resolvelib over semver) and ``installer``.
Imports only ``core``: the UI and the extension host both use it.
"""
