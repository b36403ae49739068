"""The shape of the package: modules by job, imports that run one way."""
from __future__ import annotations

import ast

from conftest import ROOT

PACKAGE = ROOT / "extractor"


def _modules() -> dict[str, ast.Module]:
    out = {}
    for p in PACKAGE.rglob("*.py"):
        parts = list(p.relative_to(ROOT).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        out[".".join(parts)] = (p.name == "__init__.py", ast.parse(p.read_text(encoding="utf-8")))
    return out


def import_graph() -> dict[str, set[str]]:
    """Module -> the package's modules it imports, at the top or inside a function."""
    mods = _modules()
    graph: dict[str, set[str]] = {}
    for name, (is_pkg, tree) in mods.items():
        here = name.split(".") if is_pkg else name.split(".")[:-1]
        deps = set()
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom):
                base = here[:len(here) - node.level + 1] if node.level else []
                target = ".".join(base + (node.module.split(".") if node.module else []))
                for alias in node.names:
                    sub = f"{target}.{alias.name}"
                    deps.add(sub if sub in mods else target)
            elif isinstance(node, ast.Import):
                deps.update(a.name for a in node.names)
        graph[name] = {d for d in deps if d in mods and d != name}
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected groups of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    out: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        for w in sorted(graph[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            group = []
            while True:
                w = stack.pop()
                group.append(w)
                if w == v:
                    break
            if len(group) > 1:
                out.append(sorted(group))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return out


def test_the_cycle_finder_finds_a_cycle():
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert cycles({"a": {"b"}, "b": set()}) == []


def test_no_import_circle_in_the_package():
    graph = import_graph()
    assert graph["extractor.api"] >= {"extractor.pipeline", "extractor.parallel"}  # the graph sees lazy imports
    assert cycles(graph) == []


# declared dependencies no module of ours imports by name, and what imports them
USED_INDIRECTLY = {
    "lxml-html-clean": "lxml.html.clean, which trafilatura's jusText imports",
    "redis": "the client scrapy-redis talks to the shared crawl queue with",
    "pytest-timeout": "the pytest plugin behind `timeout` in pyproject.toml",
    "vietnamadminunits": "its data files, which gazetteer.py reads without importing the package (0.6 s of imports)",
}


def _declared() -> list[str]:
    import re
    import tomllib

    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    specs = project["dependencies"] + [d for extra in project["optional-dependencies"].values() for d in extra]
    return [re.sub(r"[-_.]+", "-", re.match(r"[A-Za-z0-9_.-]+", s).group(0)).lower() for s in specs]


def _named_modules() -> set[str]:
    """Top-level modules our code imports, or names in a string ("scrapy_redis.scheduler…", "-m datasette")."""
    import re

    out: set[str] = set()
    for folder in ("extractor", "tests", "scripts"):
        for p in (ROOT / folder).rglob("*.py"):
            for node in ast.walk(ast.parse(p.read_text(encoding="utf-8"))):
                if isinstance(node, ast.Import):
                    out.update(a.name.split(".")[0] for a in node.names)
                elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                    out.add(node.module.split(".")[0])
                elif isinstance(node, ast.Constant) and isinstance(node.value, str):
                    out.update(re.findall(r"\b([a-z_][a-z0-9_]*)\.[a-z_]", node.value))
                    out.update(re.findall(r"-m\s+([a-z_]+)", node.value))
    return out


def test_every_declared_dependency_is_used():
    import importlib.metadata
    import re

    modules_of: dict[str, set[str]] = {}
    for module, dists in importlib.metadata.packages_distributions().items():
        for d in dists:
            modules_of.setdefault(re.sub(r"[-_.]+", "-", d).lower(), set()).add(module)
    named = _named_modules()
    unused = [d for d in _declared() if d not in USED_INDIRECTLY and not modules_of.get(d, set()) & named]
    assert unused == [], f"declared in pyproject.toml, never imported: {unused}"
    assert "beautifulsoup4" not in _declared()  # see README, Layout: lxml parses, cssselect selects
