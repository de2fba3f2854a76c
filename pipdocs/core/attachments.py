"""The one walker of a PDF's EmbeddedFiles name tree, used by sign (before signing) and verify.

Works on pyHanko objects by duck typing (``get_object``, ``in``, ``[]``), so core does not import
pyHanko. Limits (depth and node count) are the same for both callers: a hostile tree is refused
the same way before signing and when verifying.
"""

from __future__ import annotations

from typing import Any

from pipdocs.core.limits import NAME_TREE_DEPTH, NAME_TREE_NODES
from pipdocs.core.names import PLAN_ATTACHMENT


class NameTreeTooLarge(ValueError):
    """The name tree is deeper or larger than any file pipdocs makes."""


def name_tree_items(tree: Any) -> list[tuple[str, Any]]:
    """(name, value) pairs of a PDF name tree, values dereferenced; NameTreeTooLarge when the
    tree exceeds NAME_TREE_DEPTH levels or NAME_TREE_NODES nodes."""
    items: list[tuple[str, Any]] = []
    stack: list[tuple[Any, int]] = [(tree, 0)]
    visited = 0
    while stack:
        node, depth = stack.pop()
        visited += 1
        if depth > NAME_TREE_DEPTH or visited > NAME_TREE_NODES:
            raise NameTreeTooLarge("the EmbeddedFiles name tree is too deep or too large")
        node = node.get_object()
        kids = list(node["/Kids"]) if "/Kids" in node else []
        stack.extend((kid, depth + 1) for kid in reversed(kids))
        names = list(node["/Names"]) if "/Names" in node else []
        for key, value in zip(names[::2], names[1::2], strict=False):
            items.append((str(key), value.get_object()))
    return items


def plan_attachments(root: Any) -> list[bytes]:
    """The bytes of every attachment named plan.json in a PDF catalog (``root``), in tree order."""
    return attachments_named(root, PLAN_ATTACHMENT)


def attachments_named(root: Any, name: str) -> list[bytes]:
    """The bytes of every attachment called ``name`` in a PDF catalog, in tree order."""
    try:
        tree = root["/Names"]["/EmbeddedFiles"]
    except KeyError:
        return []
    found: list[bytes] = []
    for key, spec in name_tree_items(tree):
        labels = {key} | {str(spec[k]) for k in ("/UF", "/F") if k in spec}
        if name in labels:
            ef = spec["/EF"]
            stream = ef["/UF"] if "/UF" in ef else ef["/F"]
            found.append(stream.get_object().data)
    return found
