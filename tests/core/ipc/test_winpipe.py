"""The owner-only DACL for Windows named pipes (docs/ipc-protocol.md §7); the pipe itself is Windows-only."""

from __future__ import annotations

import pytest

from core.ipc.winpipe import owner_only_sddl


def test_dacl_is_protected_and_grants_only_the_user_and_system() -> None:
    sddl = owner_only_sddl("S-1-5-21-1004336348-1177238915-682003330-1001")
    # "P": no inherited entries can widen it; no Everyone (WD), no Authenticated Users (AU), no network (NU).
    assert sddl == "D:P(A;;GA;;;S-1-5-21-1004336348-1177238915-682003330-1001)(A;;GA;;;S-1-5-18)"


@pytest.mark.parametrize("sid", ["", "WD", "S-1-1-0)(A;;GA;;;WD", "1-5-18"])
def test_anything_but_a_string_sid_is_refused_so_no_ace_can_be_injected(sid: str) -> None:
    with pytest.raises(ValueError, match="not a string SID"):
        owner_only_sddl(sid)
