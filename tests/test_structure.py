"""The pipeline flows one way: no module imports a module of a later stage, and the units of one
stage do not import one another in a cycle. Imports inside functions count (a lazy import is still a
dependency); imports under ``if TYPE_CHECKING:`` do not (they never run)."""

from __future__ import annotations

import ast
from pathlib import Path

SRC = Path(__file__).resolve().parent.parent / "src" / "juesuan"

# The pipeline's stages in order. A module may import its own stage or an earlier one, never a later
# one. A unit is a top-level module or a subpackage (``juesuan.readers`` with all its modules).
STAGES: list[tuple[str, set[str]]] = [
    (
        "foundation",
        {
            "juesuan",
            "errors",
            "textnorm",
            "raw",
            "model",
            "catalog",
            "rounding",
            "results",
            "pages",
            "dataload",
            "timing",
            "clitext",
            "_dccache",
            "_recache",
        },
    ),
    ("data loading", {"layouts"}),
    ("readers", {"readers"}),
    ("recognize", {"recognize"}),
    ("rules", {"rules"}),
    ("narrative", {"narrative", "coverage", "kinds", "differential"}),
    ("locate", {"locate", "ocrfix"}),  # ocrfix: the identities as a second reader of OCR'd amounts
    # outputs: renderers of a report or of a model (writers; generate makes documents from the model
    # and the catalogs; show draws what the recognizer read)
    # (checksheet: the reviewer's check sheet 公开情况检查表, `check --format xlsx`)
    ("outputs", {"report", "annotate", "show", "writers", "generate", "checksheet"}),
    # tools over the whole pipeline: validate-data, the layout fuzzer (reads its variants back)
    # (genrun: the work of `juesuan template` / `build`, shared by the command line and the web app)
    ("api", {"api", "validate", "synth_layouts", "genrun"}),
    # the corpus store: checked documents in DuckDB / PostgreSQL, comparisons, statistics, exports
    ("store", {"store"}),
    # batch processing: files read and checked by parallel workers, stored by one writer
    ("batch", {"batch"}),
    # the web app and HTTP API (`juesuan serve`): pages and endpoints over the store and the pipeline
    ("web", {"web"}),
    # the command line: the parser (cli), the work of the commands (clirun), the installed entry point
    ("cli", {"cli", "cliargs", "clirun", "clistore", "clibatch", "cliweb", "__main__"}),
]
STAGE_OF = {unit: i for i, (_, units) in enumerate(STAGES) for unit in units}


def module_name(path: Path) -> str:
    parts = path.relative_to(SRC.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def unit_of(module: str) -> str:
    parts = module.split(".")
    return "juesuan" if len(parts) == 1 else parts[1]


def is_module(name: str) -> bool:
    rel = Path(*name.split(".")[1:]) if "." in name else Path()
    return (SRC / rel).with_suffix(".py").exists() or (SRC / rel / "__init__.py").exists()


def _runtime_nodes(tree: ast.AST):
    """Every node except those under ``if TYPE_CHECKING:``."""
    stack = [tree]
    while stack:
        node = stack.pop()
        yield node
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.If) and "TYPE_CHECKING" in ast.unparse(child.test):
                stack.extend(child.orelse)
                continue
            stack.append(child)


def imports_of(path: Path) -> set[str]:
    """The juesuan modules ``path`` imports (at module level or inside functions)."""
    me = module_name(path)
    package = me if path.name == "__init__.py" else me.rsplit(".", 1)[0]
    found: set[str] = set()
    for node in _runtime_nodes(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name.split(".")[0] == "juesuan")
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - (node.level - 1)]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            if target.split(".")[0] != "juesuan":
                continue
            for alias in node.names:
                sub = f"{target}.{alias.name}"
                found.add(sub if is_module(sub) else target)
    found.discard(me)
    return found


def graph() -> dict[str, set[str]]:
    return {module_name(p): imports_of(p) for p in sorted(SRC.rglob("*.py"))}


def test_every_unit_has_a_stage():
    units = {unit_of(m) for m in graph()}
    assert units - set(STAGE_OF) == set(), "give every new module a stage in STAGES"


def back_edges(g: dict[str, set[str]]) -> list[str]:
    back = []
    for mod, targets in g.items():
        for t in targets:
            if STAGE_OF[unit_of(t)] > STAGE_OF[unit_of(mod)]:
                back.append(f"{mod} → {t} ({STAGES[STAGE_OF[unit_of(mod)]][0]} → {STAGES[STAGE_OF[unit_of(t)]][0]})")
    return back


def test_no_import_from_a_later_stage():
    assert back_edges(graph()) == []


def _cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    cycles: list[list[str]] = []
    state: dict[str, int] = {}

    def visit(n: str, path: list[str]) -> None:
        state[n] = 1
        path.append(n)
        for m in sorted(edges.get(n, ())):
            if state.get(m) == 1:
                cycles.append(path[path.index(m) :] + [m])
            elif m not in state:
                visit(m, path)
        path.pop()
        state[n] = 2

    for n in sorted(edges):
        if n not in state:
            visit(n, [])
    return cycles


def test_no_cycle_between_units():
    edges: dict[str, set[str]] = {}
    for mod, targets in graph().items():
        edges.setdefault(unit_of(mod), set()).update(unit_of(t) for t in targets if unit_of(t) != unit_of(mod))
    assert _cycles(edges) == []


def test_the_walk_sees_lazy_and_relative_imports():
    """The walker itself: a function-level import counts, a TYPE_CHECKING import does not."""
    g = graph()
    assert "juesuan.locate.solver" in g["juesuan.locate"]  # imported inside localize()
    assert "juesuan.narrative" in g["juesuan.api"]  # imported inside check_document()
    assert "juesuan.rules.engine" not in g["juesuan.results"]  # type-only


def test_module_cycles_only_in_the_reader_registry():
    """Module-level cycles: none outside the readers package, whose format registry and content
    sniffing (readers/__init__ ↔ office ↔ docx/xlsx/html) still import each other lazily."""
    outside = [c for c in _cycles(graph()) if not all(m.startswith("juesuan.readers") for m in c)]
    assert outside == []


def test_a_back_edge_or_cycle_would_be_caught(tmp_path):
    g = graph()
    g["juesuan.results"] = g["juesuan.results"] | {"juesuan.api"}  # a result type borrowing from the API
    assert back_edges(g) == ["juesuan.results → juesuan.api (foundation → api)"]
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == [["a", "b", "c", "a"]]
    mod = tmp_path / "m.py"
    mod.write_text(
        "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    import juesuan.api\n"
        "def f():\n    import juesuan.cli\n",
        encoding="utf-8",
    )
    assert [
        n.names[0].name for n in _runtime_nodes(ast.parse(mod.read_text(encoding="utf-8"))) if isinstance(n, ast.Import)
    ] == ["juesuan.cli"]
