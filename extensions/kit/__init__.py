"""The Orchestra Kit's management side: manifests, lifecycle, permissions, packages, registry and installer.

Modules: ``manifest`` (Symphony.toml), ``versions`` (semver ranges), ``chambering`` (lifecycle state machine),
``discovery`` (dev/installed/built-in folders into chambering), ``activation`` (which extensions an event wakes,
dependency order), ``permissions`` (grants and the prompt gate), ``package`` (``.symph`` pack/verify/extract),
``registry`` (the local index of installed extensions), ``resolver`` (resolvelib over semver), ``installer`` and
``scaffold`` (new extension folders). Imports only ``core``: the UI and the extension host both use it.
"""
