"""UI-free VDOM for Motifs: node values, the node-type catalog, validation, keyed diff and the patch list.

Used by the extension SDK (render -> diff -> patch over IPC) and by the UI's reconciler (patch -> widgets).
The wire forms are plain dicts and lists, versioned by ``SCHEMA_VERSION`` and documented in docs/motifs.md.
"""

from core.vdom.apply import WireTree
from core.vdom.catalog import LAYOUT_PROPS, NODE_TYPES, NodeSpec
from core.vdom.node import SCHEMA_VERSION, Node, from_wire, to_wire
from core.vdom.patch import PatchOp, WireNode
from core.vdom.schema import wire_json_schema
from core.vdom.tree_diff import IdAllocator, Mounted, diff, longest_increasing_subsequence, mount
from core.vdom.validate import DEFAULT_MAX_NODES, node_path, validate_tree

__all__ = [
    "DEFAULT_MAX_NODES",
    "LAYOUT_PROPS",
    "NODE_TYPES",
    "SCHEMA_VERSION",
    "IdAllocator",
    "Mounted",
    "Node",
    "NodeSpec",
    "PatchOp",
    "WireNode",
    "WireTree",
    "diff",
    "from_wire",
    "longest_increasing_subsequence",
    "mount",
    "node_path",
    "to_wire",
    "validate_tree",
    "wire_json_schema",
]
