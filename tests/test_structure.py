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


# --- vocabulary lives in patterns/ ------------------------------------------------------------

_VI_LETTER = "àáảãạăằắẳẵặâầấẩẫậđèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵ"
_REGEX_CALLS = {"compile", "compile_pattern", "search", "match", "fullmatch", "sub", "subn", "split", "findall",
                "finditer"}
# module-level tables of Vietnamese text that are no vocabulary of the extractor, and why
ALLOWED = {
    ("extractor/normalize.py", "_OLD_TONES"): "letters, not words: the old tone placement (oà -> òa)",
    ("extractor/normalize.py", "_TONE_RE"): "letters, not words: where an old tone placement may be",
    ("extractor/normalize.py", "_TRANSLATE"): "letters, not words: the look-alikes of Đ",
    ("extractor/evaluate.py", "*"): "the project's copy of the reference scorer (tools/score.py): its "
                                    "normalisation stays the reference's, word for word",
}


def _vietnamese(s: object) -> bool:
    return isinstance(s, str) and any(c in _VI_LETTER for c in s.casefold())


def vocabulary_in_code(path, source: str) -> list[str]:
    """Vietnamese vocabulary written into Python: an alternation ("a|b") or a regex with a
    Vietnamese word, a list/tuple/set/dict of two or more Vietnamese strings anywhere, a
    module-level name bound to Vietnamese text; docstrings and single words compared in code
    ("tỉnh", a record's level) are not vocabulary."""
    import re

    tree = ast.parse(source)
    docstrings = {id(n.body[0].value) for n in ast.walk(tree)
                  if isinstance(n, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef))
                  and n.body and isinstance(n.body[0], ast.Expr) and isinstance(n.body[0].value, ast.Constant)}
    allowed_nodes: set[int] = set()
    if (path, "*") in ALLOWED:
        return []
    for stmt in tree.body:
        if isinstance(stmt, (ast.Assign, ast.AnnAssign)):
            targets = stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target]
            names = {t.id for t in targets if isinstance(t, ast.Name)}
            if any((path, n) in ALLOWED for n in names):
                allowed_nodes.update(id(x) for x in ast.walk(stmt))
    found = []

    def strings(node):
        return [n for n in ast.walk(node) if isinstance(n, ast.Constant) and isinstance(n.value, str)
                and id(n) not in docstrings and id(n) not in allowed_nodes]

    for node in ast.walk(tree):
        if id(node) in allowed_nodes:
            continue
        if isinstance(node, ast.Constant) and _vietnamese(node.value) and id(node) not in docstrings \
                and re.search(r"\|", node.value) and id(node) not in allowed_nodes:
            found.append(f"line {node.lineno}: alternation {node.value[:60]!r}")
        elif isinstance(node, ast.Call):
            name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
            if name in _REGEX_CALLS:
                for s in strings(ast.Tuple(elts=list(node.args), ctx=ast.Load())):
                    if _vietnamese(s.value) and "|" not in s.value:
                        found.append(f"line {s.lineno}: regex {s.value[:60]!r}")
        elif isinstance(node, (ast.List, ast.Tuple, ast.Set)):
            vi = [e for e in node.elts if isinstance(e, ast.Constant) and _vietnamese(e.value)]
            if len(vi) >= 2:
                found.append(f"line {node.lineno}: word list {[e.value for e in vi][:4]}")
        elif isinstance(node, ast.Dict):
            vi = [e for e in [*node.keys, *node.values] if isinstance(e, ast.Constant) and _vietnamese(e.value)]
            if len(vi) >= 2:
                found.append(f"line {node.lineno}: word table {[e.value for e in vi][:4]}")
    for stmt in tree.body:  # a word, a phrase or a pattern bound to a module-level name (prose is docs)
        if isinstance(stmt, (ast.Assign, ast.AnnAssign)) and id(stmt) not in allowed_nodes:
            for s in strings(stmt):
                wordy = len(s.value.split()) <= 4 or "\\" in s.value or "(?" in s.value
                if _vietnamese(s.value) and wordy and not any(f"line {s.lineno}:" in f for f in found):
                    found.append(f"line {s.lineno}: module-level text {s.value[:60]!r}")
    return sorted(set(found))


def test_the_vocabulary_check_finds_vocabulary():
    code = '''
import regex
_UNITS = {"một": 1, "hai": 2}
_ADMIN = regex.compile(r"(?:tỉnh|huyện)\\s+")
def f(w):
    if w in ("mười", "nửa"):
        return regex.match(r"thứ\\s+\\d+", w)
    return w == "tỉnh"
'''
    got = vocabulary_in_code("x.py", code)
    assert len(got) == 4 and [g.split(":")[0] for g in got] == ["line 3", "line 4", "line 6", "line 7"], got
    assert vocabulary_in_code("x.py", '"""Đọc "hai mươi lăm" là 25."""\nX = 1\n') == []
    assert vocabulary_in_code("x.py", 'X = "xếp"\nY = "the code of the province (Hồ Chí Minh City is 79)"\n') \
        == ["line 1: module-level text 'xếp'"]


def test_no_vietnamese_vocabulary_in_the_code():
    """Words, word lists and alternations of Vietnamese are data (patterns/*.yaml, read by
    extractor/patterns.py), not Python: every extractor module but the loader is free of them."""
    bad = {}
    for p in sorted(PACKAGE.rglob("*.py")):
        rel = str(p.relative_to(ROOT))
        if rel == "extractor/patterns.py":
            continue
        found = vocabulary_in_code(rel, p.read_text(encoding="utf-8"))
        if found:
            bad[rel] = found
    assert bad == {}
