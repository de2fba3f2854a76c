"""The package's shape, checked from its source with ``ast`` (nothing is imported):

- no import cycle between pipdocs modules, counting imports inside functions (a lazy import
  kept for ``--help`` speed is fine as long as it closes no cycle);
- imports only go down the layers: cli -> demo -> web -> lifecycle -> (archive, bulk) ->
  signing | verification -> document -> conversion | pki -> core; signing and verification never
  import each other (web makes the refusal record with lifecycle's own function, so web sits
  above lifecycle and lifecycle never imports web);
- no private name (``_x``) imported from another module;
- modules over SOFT_MAX_LINES lines and functions over MAX_FUNCTION_LINES are reported as
  warnings, never failures: a module holds one concept (CONTRIBUTING.md) and is split by concept,
  not by size.
"""

from __future__ import annotations

import ast
import warnings
from dataclasses import dataclass
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "pipdocs"

#: Lower rank = lower layer. A module may import its own subpackage or any lower rank.
RANKS = {
    "core": 0, "pki": 1, "conversion": 1, "document": 2, "signing": 3, "verification": 3, "bulk": 4,
    "archive": 4,
    "lifecycle": 5, "web": 6, "demo": 7, "cli": 8, "": 9,  # "": pipdocs/__init__, __main__
}
#: Same rank, still never importing each other.
SEPARATE = {frozenset({"signing", "verification"}), frozenset({"bulk", "archive"}),
            frozenset({"pki", "conversion"})}

#: A module longer than this probably holds more than one concept: a warning, not a failure.
SOFT_MAX_LINES = 600
MAX_FUNCTION_LINES = 60


@dataclass(frozen=True)
class Import:
    source: str  # importing module
    target: str  # imported pipdocs module
    names: tuple[str, ...]  # names taken from it (from-imports)
    line: int
    type_only: bool  # under ``if TYPE_CHECKING:``: no runtime edge


def module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


MODULES = {module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def _resolve(source: str, node: ast.ImportFrom) -> str:
    if not node.level:
        return node.module or ""
    is_package = MODULES[source].name == "__init__.py"
    base = source.split(".")
    base = base if is_package else base[:-1]
    base = base[: len(base) - (node.level - 1)]
    return ".".join(base + ([node.module] if node.module else []))


def _type_checking_lines(tree: ast.Module) -> set[int]:
    lines: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            for child in node.body:
                lines.update(range(child.lineno, (child.end_lineno or child.lineno) + 1))
    return lines


def imports_of(source: str) -> list[Import]:
    """Every pipdocs import in ``source``, at any depth (functions, methods, try blocks)."""
    tree = ast.parse(MODULES[source].read_text("utf-8"))
    type_only = _type_checking_lines(tree)
    found: list[Import] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.split(".")[0] == "pipdocs":
                    target = alias.name
                    while target not in MODULES and "." in target:
                        target = target.rsplit(".", 1)[0]
                    found.append(Import(source, target, (), node.lineno,
                                        node.lineno in type_only))
        elif isinstance(node, ast.ImportFrom):
            base = _resolve(source, node)
            if base.split(".")[0] != "pipdocs":
                continue
            for alias in node.names:
                sub = f"{base}.{alias.name}"
                target, names = (sub, ()) if sub in MODULES else (base, (alias.name,))
                found.append(Import(source, target, names, node.lineno,
                                    node.lineno in type_only))
    return found


ALL_IMPORTS = [imp for name in MODULES for imp in imports_of(name)]


def layer(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 and parts[1] != "__main__" else ""


def _cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (or a self-import)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in sorted(edges.get(node, ())):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                item = stack.pop()
                on_stack.discard(item)
                component.append(item)
                if item == node:
                    break
            if len(component) > 1 or node in edges.get(node, ()):
                found.append(sorted(component))

    for node in sorted(edges):
        if node not in index:
            visit(node)
    return found


def test_the_graph_sees_imports_inside_functions() -> None:
    """The walker must count lazy imports, or hidden cycles would pass."""
    lazy = [i for i in ALL_IMPORTS
            if i.source == "pipdocs.demo" and i.target == "pipdocs.pki.ca"]
    assert lazy, "demo imports signing.ca inside run_demo"
    assert any(i.source == "pipdocs.cli.app" for i in ALL_IMPORTS)
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def test_no_import_cycles() -> None:
    edges: dict[str, set[str]] = {}
    for imp in ALL_IMPORTS:
        if not imp.type_only and imp.target != imp.source:
            edges.setdefault(imp.source, set()).add(imp.target)
    cycles = _cycles(edges)
    assert not cycles, "import cycles: " + "; ".join(" <-> ".join(c) for c in cycles)


def test_imports_only_go_down_the_layers() -> None:
    wrong = []
    for imp in ALL_IMPORTS:
        src, dst = layer(imp.source), layer(imp.target)
        assert src in RANKS, f"{imp.source}: a new subpackage: give it a rank in RANKS"
        assert dst in RANKS, f"{imp.target}: a new subpackage: give it a rank in RANKS"
        if src == dst:
            continue
        if RANKS[dst] >= RANKS[src] or frozenset({src, dst}) in SEPARATE:
            wrong.append(f"{imp.source}:{imp.line} imports {imp.target} ({src} -> {dst})")
    assert not wrong, "imports going up or sideways:\n" + "\n".join(wrong)


def test_no_private_name_is_imported_from_another_module() -> None:
    private = [f"{i.source}:{i.line} imports {n} from {i.target}" for i in ALL_IMPORTS
               for n in i.names if n.startswith("_") and not n.startswith("__")]
    private += [f"{i.source}:{i.line} imports the private module {i.target}"
                for i in ALL_IMPORTS
                if any(p.startswith("_") and not p.startswith("__") for p in i.target.split("."))]
    assert not private, "\n".join(private)


def long_modules(limit: int = SOFT_MAX_LINES) -> list[str]:
    """Modules over ``limit`` lines, as 'name: N lines'."""
    sizes = {name: len(path.read_text("utf-8").splitlines()) for name, path in MODULES.items()}
    return [f"{name}: {lines} lines" for name, lines in sizes.items() if lines > limit]


def test_long_modules_are_reported() -> None:
    """Over SOFT_MAX_LINES lines a module is listed as a warning: does it hold two concepts?"""
    over = long_modules()
    if over:
        warnings.warn(f"modules over {SOFT_MAX_LINES} lines (one concept each? see"
                      " CONTRIBUTING.md): " + ", ".join(over), stacklevel=1)
    assert long_modules(limit=10) and all(": " in entry for entry in long_modules(limit=10))


def test_long_functions_are_reported() -> None:
    """Functions over MAX_FUNCTION_LINES are listed as a warning (each needs a stated reason)."""
    long = []
    for name, path in MODULES.items():
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                length = (node.end_lineno or node.lineno) - node.lineno + 1
                if length > MAX_FUNCTION_LINES:
                    long.append(f"{name}.{node.name}: {length} lines")
    if long:
        warnings.warn(f"functions over {MAX_FUNCTION_LINES} lines: " + ", ".join(long),
                      stacklevel=1)
    assert all(": " in entry for entry in long)
