"""pyproject.toml, environment.yml and binder/environment.yml ask for the same dependencies.

The root environment.yml is the developer's: the runtime ones, JupyterLab (the `lab` extra: not a
runtime dependency, Colab brings its own front end) and the test tools (`dev`). Binder's is the
student's: the runtime ones and JupyterLab only, on one minor version of Python, since every
package in it makes the image that every student waits for larger."""

import re
from pathlib import Path

import tomllib
import yaml

ROOT = Path(__file__).resolve().parents[1]
CONDA_TO_PYPI = {"pytorch-cpu": "torch", "jupyterhub-base": "jupyterhub"}  # -base: without the proxy
NOT_PACKAGES = {"python", "pip"}


def pyproject_requirements(extras=("lab", "dev")) -> dict[str, str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    return dict(_split(r) for r in project["dependencies"] + _extras(project, list(extras)))


def _extras(project: dict, names: list[str]) -> list[str]:
    """The requirements of the extras ``names``, with the package's references to its own extras
    (``xaitutor[hub,book]``) replaced by their requirements."""
    found = []
    for name in names:
        for requirement in project["optional-dependencies"][name]:
            own = re.fullmatch(rf"{project['name']}\[(.+)\]", requirement)
            found += _extras(project, own.group(1).split(",")) if own else [requirement]
    return found


def test_jupyterlab_is_an_extra_not_a_runtime_dependency():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert not [r for r in project["dependencies"] if _split(r)[0] == "jupyterlab"]
    assert [_split(r)[0] for r in project["optional-dependencies"]["lab"]] == ["jupyterlab"]


def conda_requirements(path: Path) -> tuple[dict[str, str], list[str]]:
    """The packages ``path`` asks for (by their PyPI names, with their version ranges) and its
    editable installs."""
    deps = yaml.safe_load(path.read_text())["dependencies"]
    pip = next(d["pip"] for d in deps if isinstance(d, dict))
    conda = [d for d in deps if isinstance(d, str)]
    names = dict(_split(r) for r in conda + [p for p in pip if not p.startswith("-e")])
    names = {CONDA_TO_PYPI.get(n, n): spec for n, spec in names.items() if n not in NOT_PACKAGES}
    return names, [p for p in pip if p.startswith("-e")]


def _split(requirement: str) -> tuple[str, str]:
    name, spec = re.match(r"([A-Za-z0-9_.\-]+)\s*(.*)", requirement).groups()
    return name.lower().replace("_", "-"), spec.replace(" ", "")


def test_root_environment_matches_pyproject_and_installs_the_package():
    names, editable = conda_requirements(ROOT / "environment.yml")
    assert names == pyproject_requirements()
    assert editable == ["-e ."]


def test_binder_environment_holds_what_a_student_runs_and_nothing_of_the_tests():
    names, editable = conda_requirements(ROOT / "binder" / "environment.yml")
    assert names == pyproject_requirements(extras=["lab"])
    development = set(pyproject_requirements(extras=["dev"])) - set(pyproject_requirements(extras=["lab"]))
    assert not development & set(names), f"Binder installs development tools: {sorted(development & set(names))}"
    assert editable == []


def test_binder_pins_python_to_one_minor_version():
    deps = yaml.safe_load((ROOT / "binder" / "environment.yml").read_text())["dependencies"]
    pythons = [d for d in deps if isinstance(d, str) and _split(d)[0] == "python"]
    assert len(pythons) == 1 and re.fullmatch(r"=3\.\d+", _split(pythons[0])[1]), (
        f"pin Python to one minor version (python=3.11), got {pythons}: unpinned, repo2docker picks its own"
    )


def test_binder_leaves_the_package_to_postbuild():
    post_build = ROOT / "binder" / "postBuild"
    assert post_build.stat().st_mode & 0o111, "postBuild must be executable"
    assert "pip install --no-deps -e ." in post_build.read_text()
    assert "xaitutor download resnet18 vgg16" in post_build.read_text()
