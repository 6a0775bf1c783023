"""The permission prompt: asks the user, with the workbench's ChoiceDialog, whether an extension may use a
capability ("Allow once / Always allow / Deny"), naming the extension, the capability and the call behind it."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.worker import WorkerCancelled, WorkerFailed

from extensions.kit.permissions import Decision, PermissionRequest
from symphony_tui.widgets.dialogs import Choice, ChoiceDialog

if TYPE_CHECKING:
    from symphony_tui.app import SymphonyApp

CAPABILITY_TEXT = {
    "fs.read": "read files in this workspace",
    "fs.write": "write files in this workspace",
    "net": "use the network",
    "process.spawn": "start programs",
    "terminal": "open terminals and type into them",
    "clipboard": "use the clipboard",
    "ai.models": "use AI models",
    "workflows": "see your workflow runs, their logs and artifacts, and approve or skip their steps",
}
"""What each capability lets an extension do, in the words the prompt uses."""


def permission_dialog(request: PermissionRequest) -> ChoiceDialog:
    """The dialog for one request; escape means deny."""
    capability = request.capability.value
    what = CAPABILITY_TEXT.get(capability, capability)
    body = f"{request.extension_name} ({request.extension_id}) asks to {what} — capability '{capability}'."
    if request.reason:
        body += f"\nIt needs it for: {request.reason}"
    return ChoiceDialog(
        f"Allow {request.extension_name} to use '{capability}'?",
        body,
        [
            Choice(Decision.ALLOW_ONCE.value, "Allow once", "o", "primary"),
            Choice(Decision.ALLOW_ALWAYS.value, "Always allow", "a", "success"),
            Choice(Decision.DENY.value, "Deny", "d", "error"),
        ],
        cancel=Decision.DENY.value,
    )


class DialogPrompter:
    """A ``extensions.kit.permissions.Prompter`` that asks the person at the keyboard."""

    def __init__(self, app: SymphonyApp) -> None:
        self.app = app

    async def __call__(self, request: PermissionRequest) -> Decision:
        dialog = permission_dialog(request)
        worker = self.app.run_worker(
            self.app.push_screen_wait(dialog), name="permission prompt", group="commands", exit_on_error=False
        )
        try:
            answer = await worker.wait()
        except (WorkerCancelled, WorkerFailed):
            return Decision.DENY  # a prompt that could not be answered is a no
        return Decision(answer)


__all__ = ["CAPABILITY_TEXT", "DialogPrompter", "permission_dialog"]
