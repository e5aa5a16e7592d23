"""The layering STYLE.md promises is enforced: the import contracts in pyproject.toml break when a
copy of the code breaks each rule once, and domain logic never touches ``flask.request``, which
import-linter cannot forbid since it is a name, not a module."""

from __future__ import annotations

import ast
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")

# Each contract, and an import added to a copy of the code that must break it:
# (contract name, importing module, imported module).
BREAKS = [
    ("Domains depend one way", "civic.core.text", "civic.cases.models"),
    ("Domain logic never imports the web layer of a domain", "civic.cases.models", "flask_login"),
    ("Domain logic never imports the web layer of a domain", "civic.feedback.services", "flask_wtf"),
    ("Domain logic never imports the web layer of a domain", "civic.workshops.queries", "wtforms"),
    ("Domain logic never imports the web layer of a domain", "civic.pledges.permissions", "civic.web"),
    ("Inside a package, the layers of STYLE.md depend one way", "civic.admin.queries", "civic.admin.forms"),
    ("Inside cases, rule modules sit in the layers", "civic.cases.completeness", "civic.cases.parts"),
    ("Inside feedback, rule modules sit in the layers", "civic.feedback.tracking", "civic.feedback.follow_ups"),
    ("Inside workshops, rule modules sit in the layers", "civic.workshops.seats", "civic.workshops.participants"),
    ("Inside pledges, rule modules sit in the layers", "civic.pledges.receipts", "civic.pledges.services"),
    ("Inside accounts, rule modules sit in the layers", "civic.accounts.ubn", "civic.accounts.signin"),
    ("Inside commitments, rule modules sit in the layers", "civic.commitments.labels", "civic.commitments.queries"),
    ("Inside notifications, rule modules sit in the layers", "civic.notifications.reasons",
     "civic.notifications.worker"),
    ("Inside search, rule modules sit in the layers", "civic.search.indexing", "civic.search.views"),
    ("Inside agencies, rule modules sit in the layers", "civic.agencies.models", "civic.agencies.importing"),
]

# Domain logic: the files STYLE.md says never read the request.
DOMAIN_LOGIC = ("models.py", "services.py", "queries.py", "permissions.py")


def module_path(root: Path, module: str) -> Path:
    return root.joinpath(*module.split(".")).with_suffix(".py")


@pytest.fixture(scope="module")
def broken_report(tmp_path_factory: pytest.TempPathFactory) -> str:
    """What lint-imports says about a copy of the code with every import of BREAKS added."""
    copy = tmp_path_factory.mktemp("architecture")
    shutil.copytree(ROOT / "civic", copy / "civic", ignore=shutil.ignore_patterns("__pycache__", "translations"))
    shutil.copy(ROOT / "pyproject.toml", copy)
    for _, importer, imported in BREAKS:
        with module_path(copy, importer).open("a", encoding="utf-8") as source:
            source.write(f"\nimport {imported}\n")
    # lint-imports puts its working directory first on the path, so it reads the copy.
    result = subprocess.run(
        [str(LINT_IMPORTS), "--no-cache"], cwd=copy, capture_output=True, text=True, timeout=60,
        env={**os.environ, "COLUMNS": "300", "NO_COLOR": "1"},
    )
    assert result.returncode == 1, result.stdout + result.stderr
    return result.stdout


def broken_contracts(report: str) -> dict[str, str]:
    """Each broken contract's section of a lint-imports report: a name underlined by dashes."""
    lines = report.split("Broken contracts", 1)[1].splitlines()
    sections: dict[str, str] = {}
    name = None
    for line, underline in zip(lines, [*lines[1:], ""], strict=True):
        if line and underline == "-" * len(line):
            name = line
            sections[name] = ""
        elif name and line != "-" * len(name):
            sections[name] += line + "\n"
    return sections


@pytest.mark.parametrize(("contract", "importer", "imported"), BREAKS)
def test_each_import_contract_breaks_on_a_forbidden_import(broken_report, contract, importer, imported):
    assert f"{importer} -> {imported} (l." in broken_contracts(broken_report)[contract]


def request_uses(source: str) -> list[int]:
    """The lines of a module that import or read ``flask.request`` (or ``flask.globals.request``)."""
    uses = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ImportFrom) and node.module in {"flask", "flask.globals"}:
            uses += [node.lineno for alias in node.names if alias.name == "request"]
        elif isinstance(node, ast.Attribute) and node.attr == "request" and ast.unparse(node.value) in {
                "flask", "flask.globals"}:
            uses.append(node.lineno)
    return uses


@pytest.mark.parametrize(
    "source",
    [
        "from flask import request\n",
        "from flask import abort, request as current_request\n",
        "from flask.globals import request\n",
        "import flask\n\ndef ip():\n    return flask.request.remote_addr\n",
        "import flask.globals\n\nheaders = flask.globals.request.headers\n",
    ],
)
def test_a_use_of_the_request_is_found(source):
    assert request_uses(source)


def test_a_module_without_the_request_passes():
    assert request_uses("from flask import current_app\n\nrequest_count = 1\n") == []


def test_domain_logic_and_core_never_read_the_request():
    modules = [path for name in DOMAIN_LOGIC for path in (ROOT / "civic").glob(f"*/{name}")]
    modules += list((ROOT / "civic" / "core").glob("*.py"))
    assert len(modules) > 20
    found = {
        str(path.relative_to(ROOT)): lines
        for path in modules
        if (lines := request_uses(path.read_text(encoding="utf-8")))
    }
    assert found == {}
