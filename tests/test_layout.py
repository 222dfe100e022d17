"""The package's house rules: imports flow one way, and no module grows past ~450 lines unsaid."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "sizing_xl"
MAX_LINES = 450


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def import_graph() -> dict[str, set[str]]:
    """Each module of the package and the package modules it imports, type-only imports too:
    a cycle through `if TYPE_CHECKING:` still means neither module reads alone."""
    modules = {_module_name(p): p for p in PACKAGE.rglob("*.py")}
    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        found: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if isinstance(node, ast.ImportFrom):
                if node.level:
                    base = package.split(".")[: len(package.split(".")) - node.level + 1]
                    source = ".".join([*base, node.module] if node.module else base)
                else:
                    source = node.module or ""
                for alias in node.names:
                    target = f"{source}.{alias.name}"
                    found.add(target if target in modules else source)
            elif isinstance(node, ast.Import):
                found.update(alias.name for alias in node.names)
        graph[name] = {m for m in found if m in modules and m != name}
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan, iteratively)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    for root in graph:
        if root in index:
            continue
        work = [(root, iter(sorted(graph[root])))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph[child]))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    found.append(sorted(component))
    return found


def test_the_walker_finds_a_cycle():
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert cycles({"a": {"b"}, "b": set()}) == []


def test_no_import_cycle_in_the_package():
    graph = import_graph()
    assert "sizing_xl.scenarios" in graph and "sizing_xl.results" in graph["sizing_xl.alerts"]
    assert cycles(graph) == []


def test_the_result_types_sit_below_every_stage():
    """Data flows one way: request -> deployment and weights -> method capacity -> throughput
    -> scenarios -> costs -> alerts, each stage reading the result types of results.py, which
    reads no stage (nor the pipeline that runs them, scenarios.py)."""
    graph = import_graph()

    def below(name: str) -> set[str]:
        seen, work = set(), [name]
        while work:
            for child in graph[work.pop()] - seen:
                seen.add(child)
                work.append(child)
        return seen

    stages = {
        f"sizing_xl.{m}"
        for m in ("capacity", "throughput", "step_time", "costs", "alerts", "scenarios")
    }
    assert not below("sizing_xl.results") & stages
    for stage in stages - {"sizing_xl.scenarios"}:
        assert "sizing_xl.scenarios" not in below(stage), stage
    assert "sizing_xl.results" in below("sizing_xl.throughput") & below("sizing_xl.costs")


def test_modules_past_450_lines_say_why():
    """A long module opens with a comment (in its first lines) that says why it stays whole."""
    long = []
    for path in PACKAGE.rglob("*.py"):
        lines = path.read_text("utf-8").splitlines()
        if len(lines) > MAX_LINES and not any(line.startswith("# Long:") for line in lines[:30]):
            long.append(f"{path.relative_to(PACKAGE)}: {len(lines)} lines")
    assert long == []
