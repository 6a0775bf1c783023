"""pygls's protocol, made tolerant of servers whose answers do not match lsprotocol's types exactly.

Real servers send slightly off-spec results (ruff's notebook selector, for one). pygls would log the
structuring error and drop the response, leaving the request to hang until its deadline. Here such a response
is delivered as :class:`UntypedResult` so the request settles at once: with a clear error, or, for
``initialize``, with every capability that could be typed (the rest are ignored).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import attrs
from cattrs import Converter
from lsprotocol import types as lsp
from pygls.exceptions import JsonRpcException
from pygls.protocol import JsonRPCResponseMessage, LanguageServerProtocol


@dataclass(frozen=True, slots=True)
class UntypedResult:
    """A response result that could not be structured into its lsprotocol type; ``value`` is the raw JSON."""

    value: Any


class TolerantProtocol(LanguageServerProtocol):
    """LanguageServerProtocol that hands over ill-typed responses raw instead of dropping them."""

    def structure_message(self, data: dict[str, Any]) -> Any:
        """Structure as pygls does; a response that fails to structure becomes an UntypedResult response.

        attrs validators are off while structuring: cattrs already enforces every field's type, and the
        validators' range checks doubled the cost of decoding a 500-item completion list (11 -> 5.5 ms), which
        is paid on every keystroke.
        """
        try:
            with attrs.validators.disabled():
                return super().structure_message(data)
        except JsonRpcException:
            if "jsonrpc" in data and "id" in data and "method" not in data and "error" not in data:
                return JsonRPCResponseMessage(
                    id=data["id"], jsonrpc=data["jsonrpc"], result=UntypedResult(data.get("result"))
                )
            raise

    @property
    def converter(self) -> Converter:
        """The cattrs converter (to type results by hand)."""
        converter: Converter = self._converter
        return converter


def salvage_initialize_result(raw: Any, converter: Converter) -> lsp.InitializeResult:
    """An InitializeResult keeping each capability that can be typed and dropping the ones that cannot."""
    payload = raw if isinstance(raw, dict) else {}
    capabilities = payload.get("capabilities") if isinstance(payload.get("capabilities"), dict) else {}
    kept: dict[str, Any] = {}
    for key, value in (capabilities or {}).items():
        try:
            converter.structure({key: value}, lsp.ServerCapabilities)
        except Exception:
            continue
        kept[key] = value
    server_info = payload.get("serverInfo")
    result = {"capabilities": kept}
    if isinstance(server_info, dict) and isinstance(server_info.get("name"), str):
        result["serverInfo"] = server_info
    return converter.structure(result, lsp.InitializeResult)


__all__ = ["TolerantProtocol", "UntypedResult", "salvage_initialize_result"]
