"""The Extensions commands every workbench has: show the panel, restart extensions, reload them."""

from __future__ import annotations

from typing import TYPE_CHECKING

from symphony_tui.extensions_ui.controller import SHOW_COMMAND

if TYPE_CHECKING:
    from symphony_tui.app import SymphonyApp
    from symphony_tui.extensions_service import ExtensionsService

RESTART_COMMAND = "extensions.restart"
"""symphony_tui.extensions_service.RESTART_COMMAND, spelled out so the app does not import the kit at start-up."""
RELOAD_COMMAND = "extensions.reload"
"""Re-read every manifest and restart the hosts (picks up newly installed or edited extensions)."""


def register_extension_commands(app: SymphonyApp) -> None:
    """Register the Extensions commands on ``app.commands``."""

    async def show() -> None:
        from symphony_tui.extensions_ui.panel import show_extensions_panel

        await show_extensions_panel(app)

    async def restart() -> None:
        service = app.extensions.service
        if service is None:
            app.notify(_off_message(app), title="Extensions")
            return
        await service.restart()
        app.notify("Extensions restarted.", title="Extensions")

    async def reload() -> None:
        if not app.extensions.enabled:
            app.notify(_off_message(app), title="Extensions")
            return
        await app.extensions.reload()
        app.notify("Extensions reloaded.", title="Extensions")

    async def toggle_enabled(extension_id: str | None = None) -> None:
        service, ext_id = await _target(app, extension_id, "Enable or disable which extension?")
        if service is None or ext_id is None:
            return
        found = service.discovery.extensions.get(ext_id)
        if found is None:
            app.notify(f"{ext_id} cannot be enabled: its manifest is invalid.", title="Extensions", severity="error")
            return
        from extensions.kit.discovery import Source

        enable = not found.enabled
        if found.source is Source.INSTALLED and service.registry is not None:
            service.registry.set_enabled(ext_id, enable)
        else:
            from extensions.kit.disabled import DisabledList

            DisabledList(app.extensions.options.disabled_path).set(ext_id, not enable)
        await app.extensions.reload()
        app.notify(f"{found.manifest.name} {'enabled' if enable else 'disabled'}.", title="Extensions")

    async def restart_host(extension_id: str | None = None) -> None:
        service, ext_id = await _target(app, extension_id, "Restart the host of which extension?")
        if service is None or ext_id is None:
            return
        if ext_id not in service.supervisor.specs:
            app.notify(f"{ext_id} is not running (disabled or invalid).", title="Extensions", severity="warning")
            return
        await service.restart_host(ext_id)
        app.notify(f"Restarted the host of {app.extensions.display_name(ext_id)}.", title="Extensions")

    async def revoke(extension_id: str | None = None) -> None:
        service, ext_id = await _target(app, extension_id, "Revoke the permissions of which extension?")
        if service is None or ext_id is None:
            return
        service.gate.store.revoke(ext_id)
        service.gate.reset_session(ext_id)
        app.extensions.changed()
        app.notify(
            f"{app.extensions.display_name(ext_id)} will be asked again before using any capability.",
            title="Permissions revoked",
        )

    add = app.commands.add
    add(SHOW_COMMAND, "Show", "Extensions", show)
    add(RESTART_COMMAND, "Restart extensions", "Extensions", restart)
    add(RELOAD_COMMAND, "Reload extensions", "Extensions", reload)
    one = {"extension_id": str}
    add("extensions.toggleEnabled", "Enable/Disable Extension...", "Extensions", toggle_enabled, args=one)
    add("extensions.restartHost", "Restart Extension Host...", "Extensions", restart_host, args=one)
    add("extensions.revokePermissions", "Revoke Extension Permissions...", "Extensions", revoke, args=one)


async def _target(
    app: SymphonyApp, extension_id: str | None, question: str
) -> tuple[ExtensionsService | None, str | None]:
    """The running service and the extension to act on: given, or picked by the user."""
    service = app.extensions.service
    if service is None:
        app.notify(_off_message(app), title="Extensions")
        return None, None
    if extension_id is not None:
        return service, extension_id
    from symphony_tui.widgets.quick_pick import PickItem, QuickPick

    ids = [c.extension_id for c in service.chambering if not c.extension_id.count(":")]

    def items(query: str) -> list[PickItem]:
        needle = query.strip().casefold()
        return [
            PickItem(app.extensions.display_name(i), i, detail=i)
            for i in ids
            if needle in (app.extensions.display_name(i) + " " + i).casefold()
        ]

    result = await app.push_screen_wait(QuickPick(items, title=question))
    return service, None if result is None else str(result.item.value)


def _off_message(app: SymphonyApp) -> str:
    if not app.settings.extensions.enabled:
        return "Extensions are off (setting extensions.enabled = false)."
    return "Extensions are off in this session."


__all__ = ["RELOAD_COMMAND", "RESTART_COMMAND", "register_extension_commands"]
