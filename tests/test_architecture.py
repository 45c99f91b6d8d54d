"""The layout the architecture note (docs/architecture.md) describes, checked: no name is both a
module and a function, hooks and gradients each live in one place, small files, a light import."""

import ast
import importlib
import pkgutil
import re
import subprocess
import sys
from pathlib import Path

import pytest

import xaitutor as xt

PACKAGE = Path(xt.__file__).parent
SMALL = ["methods", "evaluation", "background", "concepts"]  # every file of these at most 150 lines


def sources():
    return {path.relative_to(PACKAGE).as_posix(): path.read_text() for path in PACKAGE.rglob("*.py")}


@pytest.mark.parametrize(
    "package",
    [
        xt.methods,
        xt.evaluation,
        xt.background,
        xt.methods.lime_image,
        xt.methods.shapley,
        xt.methods.randomized_input_sampling,
        xt.concepts,
    ],
)
def test_no_name_is_both_a_module_and_a_function(package):
    for info in pkgutil.iter_modules(package.__path__):
        module = importlib.import_module(f"{package.__name__}.{info.name}")
        assert getattr(package, info.name) is module, f"{package.__name__}.{info.name} is not the module"
    assert xt.methods.lime is xt.lime and xt.methods.lime_image.segment  # the function, and the steps


def test_hooks_are_registered_in_hooks_only_and_gradients_taken_in_the_driver_only():
    for name, text in sources().items():
        if name != "hooks.py":
            assert not re.search(r"register_\w*hook", text), f"{name} registers a hook"
        if name != "methods/driver.py":
            assert "torch.autograd.grad(" not in text.replace("``torch.autograd.grad(", ""), name
            assert ".gather(1," not in text, f"{name} gathers target scores itself"


def test_the_files_stay_small():
    long = {
        name: text.count("\n")
        for name, text in sources().items()
        if name.split("/")[0] in SMALL and text.count("\n") > 150
    }
    assert not long, f"files over 150 lines: {long}"


def test_importing_the_package_loads_no_heavy_library():
    libraries = ["matplotlib", "sklearn", "skimage", "scipy", "ipywidgets"]
    code = f"import sys, xaitutor; print([m for m in {libraries} if m in sys.modules])"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=600)
    assert out.stdout.strip() == "[]", f"import xaitutor loads {out.stdout.strip()}: import them where they are used"


def imports(path: Path, name: str) -> set[str]:
    """The package's modules that ``name`` (the module in ``path``) imports, at its top level or
    inside a function (an import put off until it runs still ties the two)."""
    package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom):
            base = ".".join(package.split(".")[: len(package.split(".")) - node.level + 1]) if node.level else ""
            module = ".".join(filter(None, [base, node.module or ""]))
            for alias in node.names:
                found.add(f"{module}.{alias.name}" if f"{module}.{alias.name}" in MODULES else module)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return {m for m in found if m in MODULES and m != name}


MODULES = {
    ".".join(("xaitutor", *path.relative_to(PACKAGE).with_suffix("").parts)).removesuffix(".__init__"): path
    for path in PACKAGE.rglob("*.py")
}


def test_the_import_graph_has_no_cycle():
    graph = {name: imports(path, name) for name, path in MODULES.items()}
    done = set()

    def cycle_from(name, path):  # depth first: a module met again on the current path closes a cycle
        if name in path:
            return path[path.index(name) :] + [name]
        if name in done:
            return None
        for other in sorted(graph[name]):
            if found := cycle_from(other, [*path, name]):
                return found
        done.add(name)
        return None

    cycles = [c for c in (cycle_from(name, []) for name in sorted(graph)) if c]
    assert not cycles, f"the package's imports go round: {' -> '.join(cycles[0])}"
