"""Hello: asks for a name and greets it; shows a command, a dialog, a setting and a notification."""

from __future__ import annotations

from extensions.sdk import Extension, command


class HelloExtension(Extension):
    """Contributes ``symphony.hello.say``."""

    @command("symphony.hello.say", title="Say Hello")
    async def say(self, name: str | None = None) -> str | None:
        """Greet ``name``, asking for it when the palette runs the command without one."""
        if name is None:
            name = await self.ctx.window.input_box(prompt="Who should I greet?", placeholder="World")
            if name is None:
                return None  # dismissed
        greeting = await self.ctx.settings.get("greeting", "Hello")
        message = f"{greeting}, {name.strip() or 'World'}!"
        await self.ctx.window.notify(message)
        return message
