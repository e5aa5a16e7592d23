"""The lock installs what pyproject.toml asks for: a dependency added or widened there without
`make lock` would otherwise be missing from every hashed install, or installed in a version the
project does not accept."""

import re
import tomllib
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parent.parent
LOCK = ROOT / "requirements" / "lock.txt"
# The runtime part alone, for `make run` and servers.
RUN_LOCK = ROOT / "requirements" / "run.txt"
PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==(\S+)")


def locked_versions(lock: Path = LOCK) -> dict[str, str]:
    """Map each package the lock pins, by its canonical name, to its version."""
    pins = {}
    for line in lock.read_text(encoding="utf-8").splitlines():
        if match := PIN.match(line):
            pins[canonicalize_name(match[1])] = match[2]
    return pins


def declared_requirements() -> list[Requirement]:
    """The runtime dependencies and the test extras, the two the lock is made from."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    return [Requirement(text) for text in project["dependencies"] + project["optional-dependencies"]["test"]]


def test_every_declared_dependency_is_pinned_in_an_accepted_version():
    pins = locked_versions()
    stale = []
    for requirement in declared_requirements():
        version = pins.get(canonicalize_name(requirement.name))
        if version is None or not requirement.specifier.contains(version, prereleases=True):
            stale.append(f"{requirement} (locked: {version or 'missing'})")
    assert not stale, "requirements/lock.txt is stale, run `make lock`: " + "; ".join(stale)


def test_the_runtime_lock_has_every_runtime_dependency_in_the_same_version_as_the_whole_lock():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    run_pins, all_pins = locked_versions(RUN_LOCK), locked_versions()
    missing = [text for text in project["dependencies"]
               if canonicalize_name(Requirement(text).name) not in run_pins]
    assert not missing, "requirements/run.txt is stale, run `make lock`: " + "; ".join(missing)
    differing = {name: (version, all_pins.get(name)) for name, version in run_pins.items()
                 if all_pins.get(name) != version}
    assert not differing, f"the two locks pin different versions, run `make lock`: {differing}"


@pytest.mark.parametrize("lock", [LOCK, RUN_LOCK], ids=["lock", "run"])
def test_every_pin_carries_a_hash_and_nothing_of_this_machine(lock):
    text = lock.read_text(encoding="utf-8")
    entries = re.split(r"\n(?=[A-Za-z0-9])", text)
    unhashed = [entry.split()[0] for entry in entries if PIN.match(entry) and "--hash=sha256:" not in entry]
    assert not unhashed
    assert not re.search(r"^--(find-links|extra-index-url|index-url)", text, re.MULTILINE)
