"""Each manifest placement puts the Motif where users look for it; failures stay inside the Motif's view."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from textual.widgets import Button, Label

from symphony_tui.app import SymphonyApp
from symphony_tui.vdom.motif_view import MotifView
from symphony_tui.vdom.placements import MotifModal
from tests.symphony_tui.extensions_ui.fixtures import ext_app, started, wait_until, write_extension
from tests.symphony_tui.workspace_fixture import make_demo_workspace

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="host tests use Unix sockets")

SIZE = (120, 36)
LOCATIONS = ("sidebar", "panel", "editor", "statusbar", "modal")

MANIFEST = (
    'id = "t.places"\nname = "Places"\nversion = "1.0.0"\ntype = "motif"\nentry = "main:Places"\n'
    "activation = ["
    + ", ".join(f'"onMotif:t.places.{where}"' for where in (*LOCATIONS, "fragile"))
    + "]\n"
    + "".join(
        f'\n[[contributes.motifs]]\nid = "t.places.{where}"\ntitle = "{where.title()}"\nlocation = "{where}"\n'
        for where in LOCATIONS
    )
    + '\n[[contributes.motifs]]\nid = "t.places.fragile"\ntitle = "Fragile"\nlocation = "panel"\n'
)

CODE = """\
from extensions.sdk import Extension, motif_factory
from extensions.sdk.motif import Motif, h


class Hello(Motif):
    def __init__(self, motif_id):
        self.id = motif_id
        super().__init__()

    def initial_state(self):
        return {"n": 0}

    def render(self):
        if self.state["n"] >= 2:
            raise RuntimeError("cannot draw two")
        return h.vertical(h.label(f"{self.id} {self.state['n']}", key="text"), h.button("More", on_press=self.more))

    async def more(self, event):
        self.set_state(n=self.state["n"] + 1)


class Places(Extension):
    @motif_factory("t.places.sidebar")
    def sidebar(self):
        return Hello("t.places.sidebar")

    @motif_factory("t.places.panel")
    def panel(self):
        return Hello("t.places.panel")

    @motif_factory("t.places.editor")
    def editor(self):
        return Hello("t.places.editor")

    @motif_factory("t.places.statusbar")
    def statusbar(self):
        return Hello("t.places.statusbar")

    @motif_factory("t.places.modal")
    def modal(self):
        return Hello("t.places.modal")

    @motif_factory("t.places.fragile")
    def fragile(self):
        return Hello("t.places.fragile")
"""


@pytest.fixture
def app(tmp_path: Path) -> SymphonyApp:
    folder = write_extension(tmp_path / "exts", "places", MANIFEST, CODE)
    return ext_app(make_demo_workspace(tmp_path), [folder])


def shown_text(view: MotifView) -> str:
    labels = view.query("#motif-body Label")
    return str(labels.first(Label).render()) if labels else ""


async def test_every_location_places_the_motif_in_its_part_of_the_workbench(app: SymphonyApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot, app)
        places = {}
        for where in LOCATIONS:
            motif_id = f"t.places.{where}"
            await app.run_command("motif.open", motif=motif_id)
            view = app.motifs.views[motif_id]
            await wait_until(pilot, lambda v=view, m=motif_id: shown_text(v) == f"{m} 0", f"{where} rendered")
            places[where] = view
        assert places["sidebar"].parent is app.query_one("#motif-sidebar")
        assert app.query_one("#motif-panel").query(MotifView).first() is places["panel"]
        assert places["editor"] in app.query_one("#editors").query(MotifView)
        assert places["statusbar"].parent is app.query_one("#status")
        assert isinstance(app.screen, MotifModal) and app.screen.view is places["modal"]
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, MotifModal) and "t.places.modal" not in app.motifs.views
        for where in ("sidebar", "panel", "editor"):
            await app.run_command("motif.close", motif=f"t.places.{where}")
        await pilot.pause()
        assert not app.query("#motif-sidebar") and not app.query("#motif-panel")
        assert not app.query_one("#editors").query(MotifView)


async def test_a_render_that_fails_shows_the_error_box_and_restart_starts_the_motif_afresh(app: SymphonyApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot, app)
        await app.run_command("motif.open", motif="t.places.fragile")
        view = app.motifs.views["t.places.fragile"]
        await wait_until(pilot, lambda: shown_text(view) == "t.places.fragile 0", "first render")
        more = view.query_one("#motif-body Button", Button)
        await pilot.pause()  # laid out: the click lands on the button, not on what was there before
        await pilot.click(more)
        await wait_until(pilot, lambda: shown_text(view) == "t.places.fragile 1", "a patch")
        await pilot.pause(0.3)  # a Button ignores clicks during its 0.2 s press effect
        await pilot.click(more)  # the next render raises in the extension
        await wait_until(pilot, lambda: view.error is not None, "the error box")
        assert "cannot draw two" in view.error.message  # type: ignore[union-attr]
        assert app.query_one("#explorer").display  # the rest of the workbench is untouched
        await pilot.click("#motif-restart")
        await wait_until(pilot, lambda: view.error is None and shown_text(view) == "t.places.fragile 0", "restarted")
