"""The package's shape: no import cycles between synth's modules.

Every import counts, including those inside functions (a cycle deferred into
a function is still a cycle of responsibilities); imports under
``if TYPE_CHECKING:`` do not run and are left out.
"""

from __future__ import annotations

import ast
from pathlib import Path

import synth

PACKAGE = Path(synth.__file__).parent
REPO = Path(__file__).resolve().parent.parent


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


def _imported(tree: ast.AST, module: str, is_package: bool, modules: set[str]) -> set[str]:
    """Every synth module named by an import anywhere in the tree (relative imports resolved).

    ``from pkg import sub`` names the module ``pkg.sub`` when there is one, else ``pkg``
    (a name defined in the package itself)."""
    found: set[str] = set()
    pending = [tree]
    while pending:
        node = pending.pop()
        if isinstance(node, ast.If) and _is_type_checking(node):
            pending.extend(node.orelse)
            continue
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = module.split(".")[: len(module.split(".")) - node.level + (1 if is_package else 0)]
                base = ".".join(anchor + ([base] if base else []))
            found.update(f"{base}.{alias.name}" if f"{base}.{alias.name}" in modules else base for alias in node.names)
        pending.extend(ast.iter_child_nodes(node))
    return {name for name in found if name in modules and name != module}


def import_graph() -> dict[str, set[str]]:
    """module -> the synth modules it imports."""
    paths = {_module_name(path): path for path in PACKAGE.rglob("*.py")}
    return {module: _imported(ast.parse(path.read_text(encoding="utf-8")), module, path.name == "__init__.py",
                              set(paths))
            for module, path in paths.items()}


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One import cycle as [a, b, ..., a], or None (iterative depth-first search)."""
    state: dict[str, int] = {}  # 1 = on the current path, 2 = done
    for root in sorted(graph):
        if state.get(root):
            continue
        path, stack = [root], [iter(sorted(graph[root]))]
        state[root] = 1
        while stack:
            nxt = next(stack[-1], None)
            if nxt is None:
                state[path.pop()] = 2
                stack.pop()
            elif state.get(nxt) == 1:
                return path[path.index(nxt):] + [nxt]
            elif not state.get(nxt):
                state[nxt] = 1
                path.append(nxt)
                stack.append(iter(sorted(graph[nxt])))
    return None


def test_the_cycle_finder_finds_a_cycle_inside_a_function() -> None:
    tree = ast.parse("def f():\n    from synth.b import x\n")
    graph = {"synth.a": _imported(tree, "synth.a", False, {"synth.a", "synth.b"}), "synth.b": {"synth.a"}}
    assert find_cycle(graph) == ["synth.a", "synth.b", "synth.a"]


def test_synth_has_no_import_cycles() -> None:
    graph = import_graph()
    assert "synth.verify.run" in graph and graph["synth.verify.run"]
    assert find_cycle(graph) is None, " -> ".join(find_cycle(graph))


def test_the_text_layer_imports_no_stage() -> None:
    stages = ("synth.claims", "synth.verify", "synth.report", "synth.studies", "synth.ingest", "synth.index")
    graph = import_graph()
    for module, imported in graph.items():
        if module.startswith("synth.text"):
            assert not [name for name in imported if name.startswith(stages)], module


def _top_level_imports(path: Path) -> set[str]:
    """The first dotted part of every module an absolute import in ``path`` names."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = {alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names}
    names |= {node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom) and node.module and not node.level}
    return {name.split(".")[0] for name in names}


def test_shipped_scripts_and_benchmarks_import_nothing_from_tests() -> None:
    """bench/ and scripts/ may be used without the test suite (the corpus they render lives in bench.corpus)."""
    scripts = [*(REPO / "bench").rglob("*.py"), *(REPO / "scripts").rglob("*.py")]
    assert scripts
    assert [str(path.relative_to(REPO)) for path in scripts if "tests" in _top_level_imports(path)] == []
