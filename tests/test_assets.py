"""The committed build of the styles matches its sources, and the committed third-party files are
the pinned versions with their licences: running and testing the site need no Node."""

import importlib.util
import json
import re
import shutil
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
AXE = ROOT / "tests" / "browser" / "vendor" / "axe-core"


def load_assets():
    """frontend/assets.py, a script rather than a module of a package."""
    spec = importlib.util.spec_from_file_location("frontend_assets", ROOT / "frontend" / "assets.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def pinned(package: str) -> str:
    return json.loads((ROOT / "frontend" / "package.json").read_text(encoding="utf-8"))["devDependencies"][package]


def test_the_committed_stylesheet_and_script_are_the_build_of_the_committed_styles():
    problems = load_assets().problems()
    assert not problems, "\n".join(problems)


def copy_of_the_build(tmp_path: Path):
    """The module working on a copy of the sources and the built files, with their manifest recorded."""
    assets = load_assets()
    for name in [*assets.inputs(), *assets.OUTPUTS]:
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(ROOT / name, tmp_path / name)
    assets.ROOT, assets.MANIFEST = tmp_path, tmp_path / "frontend" / "build-manifest.json"
    assets.record()
    assert assets.problems() == []
    return assets


def test_a_changed_or_added_style_source_makes_the_build_stale(tmp_path):
    assets = copy_of_the_build(tmp_path)
    with (tmp_path / "frontend/scss/civic/_base.scss").open("a", encoding="utf-8") as source:
        source.write("\n.civic-new { color: red; }\n")
    (tmp_path / "frontend/scss/civic/_new.scss").write_text("", encoding="utf-8")
    problems = assets.problems()
    assert problems[0] == ("The styles changed after the stylesheet was last built: "
                           "frontend/scss/civic/_base.scss (changed), frontend/scss/civic/_new.scss (new).")
    assert "run `make assets` where Node and npm are installed" in problems[-1]


def test_a_built_file_edited_by_hand_or_missing_makes_the_build_stale(tmp_path):
    assets = copy_of_the_build(tmp_path)
    with (tmp_path / "static/css/civic.css").open("a", encoding="utf-8") as built:
        built.write(".civic-new{color:red}")
    (tmp_path / "static/vendor/govuk-frontend.min.js").unlink()
    assert assets.problems()[0] == ("The built files are not what the last build made (edited by hand?): "
                                    "static/css/civic.css (changed), static/vendor/govuk-frontend.min.js (missing).")


def test_the_govuk_frontend_script_is_the_pinned_version_with_its_licence():
    script = (ROOT / "static" / "vendor" / "govuk-frontend.min.js").read_text(encoding="utf-8")
    assert script.startswith(f'const version="{pinned("govuk-frontend")}";')
    licence = (ROOT / "static" / "vendor" / "govuk-frontend.LICENSE.txt").read_text(encoding="utf-8")
    assert "The MIT License" in licence
    assert f"GOV.UK Frontend {pinned('govuk-frontend')}" in licence


def test_the_vendored_axe_core_is_the_pinned_version_with_its_licences():
    header = re.match(r"/\*! axe v(\S+)", (AXE / "axe.min.js").read_text(encoding="utf-8"))
    assert header and header[1] == pinned("axe-core"), "run `make vendor-axe` after changing axe-core"
    assert "Mozilla Public License, version 2.0" in (AXE / "LICENSE").read_text(encoding="utf-8")
    assert (AXE / "LICENSE-3RD-PARTY.txt").is_file()
