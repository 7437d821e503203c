"""PAC's apps are layers: pac <- applications <- pairings <- coaching <- evaluation <- evidence. A layer may use
the ones before it, never one after it; a later app reaches an earlier page through a registry in
pac (pac.annotations, pac.documents.registry, pac.my_work, pac.navigation).

These tests read the source (no imports run), so a function-local import counts as much as a
module-level one."""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LAYERS = ("pac", "applications", "pairings", "coaching", "evaluation", "evidence", "funding")
# the URL namespaces each app owns (pac also owns "documents", its job pages)
NAMESPACES = {
    "pac": ("pac", "documents"),
    "applications": ("applications",),
    "pairings": ("pairings",),
    "coaching": ("coaching",),
    "evaluation": ("evaluation",),
    "evidence": ("evidence",),
    "funding": ("funding",),
}


def _module_package(path: Path) -> list[str]:
    """The dotted package a file's relative imports start from."""
    return list(path.relative_to(ROOT).parts[:-1])


def _imported_modules(path: Path, source: str | None = None):
    """(line, dotted module) for every import in the file, relative ones resolved."""
    if source is None:
        source = path.read_text(encoding="utf-8")
    tree = ast.parse(source, filename=str(path))
    package = _module_package(path)
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - (node.level - 1)] if node.level > 1 else package
                module = ".".join([*base, node.module] if node.module else base)
            else:
                module = node.module or ""
            yield node.lineno, module
            for alias in node.names:  # "from . import x" / "from evaluation import coach_reviews"
                yield node.lineno, f"{module}.{alias.name}"
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr == "import_module"
            and node.args
            and isinstance(node.args[0], ast.Constant)
            and isinstance(node.args[0].value, str)
        ):
            yield node.lineno, node.args[0].value


def _later_layers(app: str) -> tuple[str, ...]:
    return LAYERS[LAYERS.index(app) + 1 :]


def backward_imports() -> list[str]:
    found = []
    for app in LAYERS:
        later = _later_layers(app)
        for path in sorted((ROOT / app).rglob("*.py")):
            seen = set()
            for line, module in _imported_modules(path):
                top = module.split(".")[0]
                if top in later and (line, top) not in seen:
                    seen.add((line, top))
                    found.append(f"{path.relative_to(ROOT)}:{line} imports {module} (a later layer)")
    return found


URL_TAG = re.compile(r"""\{%\s*url\s+(['"])(?P<name>[^'"]+)\1""")


def backward_template_links() -> list[str]:
    found = []
    for app in LAYERS:
        later_namespaces = {ns for later in _later_layers(app) for ns in NAMESPACES[later]}
        for path in sorted((ROOT / app / "templates").rglob("*")):
            if not path.is_file():
                continue
            for number, text in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
                for match in URL_TAG.finditer(text):
                    namespace = match["name"].split(":")[0] if ":" in match["name"] else None
                    if namespace in later_namespaces:
                        found.append(f"{path.relative_to(ROOT)}:{number} links to {match['name']!r} (a later app)")
    return found


def test_no_layer_imports_a_later_one():
    found = backward_imports()
    assert not found, "Backward imports (use a registry in pac instead):\n" + "\n".join(found)


def test_no_template_links_to_a_later_app():
    found = backward_template_links()
    assert not found, "Templates linking to a later app's URLs (use pac.annotations links):\n" + "\n".join(found)


def test_the_scanner_reads_function_local_and_relative_imports():
    source = (
        "def f():\n    from evaluation.coach_reviews import prior_decisions\n\n"
        "from .models import X\nfrom .. import coaching\nimport coaching.models as m\n"
    )
    modules = list(_imported_modules(ROOT / "pairings" / "views" / "probe.py", source))
    assert (2, "evaluation.coach_reviews") in modules
    assert (4, "pairings.views.models") in modules
    assert (5, "pairings.coaching") in modules
    assert (6, "coaching.models") in modules
