"""The built stylesheet and GOV.UK Frontend script, and the manifest that ties them to their sources.

static/css/civic.css and static/vendor/govuk-frontend.min.js are built from frontend/ with Node
(`npm run build`) and committed, so that running and testing the site need Python alone.
frontend/build-manifest.json records the SHA-256 of every source of the build and of what it made:

    python3 frontend/assets.py check     # exit 1, saying what differs, when the build is stale
    python3 frontend/assets.py record    # after a build: write the manifest for the files as they are

`make assets` calls both; tests/test_assets.py runs the check in `make test`. Standard library only:
it runs before the virtualenv exists.
"""

from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MANIFEST = ROOT / "frontend" / "build-manifest.json"
# What `npm run build` reads besides its pinned packages, which package-lock.json names.
PACKAGE_FILES = ("frontend/package.json", "frontend/package-lock.json")
SOURCES = "frontend/scss"
# What Sass can load from there (an editor's backup or swap file beside them is no source).
SOURCE_SUFFIXES = {".scss", ".sass", ".css"}
OUTPUTS = ("static/css/civic.css", "static/vendor/govuk-frontend.min.js")
REBUILD = ("Change the styles under frontend/scss (never the built files), then run `make assets` where "
           "Node and npm are installed and commit static/css, static/vendor and frontend/build-manifest.json.")


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def inputs() -> dict[str, str]:
    """The SHA-256 of each file the build reads, by its path from the repository root."""
    paths = [ROOT / name for name in PACKAGE_FILES]
    paths += [path for path in (ROOT / SOURCES).rglob("*") if path.suffix in SOURCE_SUFFIXES and path.is_file()]
    return {path.relative_to(ROOT).as_posix(): digest(path) for path in sorted(paths)}


def outputs() -> dict[str, str | None]:
    """The SHA-256 of each file the build makes, None where it is missing."""
    return {name: digest(ROOT / name) if (ROOT / name).is_file() else None for name in OUTPUTS}


def _differences(recorded: dict[str, str], current: dict[str, str | None]) -> list[str]:
    found = []
    for name in sorted(recorded.keys() | current.keys()):
        before, now = recorded.get(name), current.get(name)
        if before == now:
            continue
        if now is None:
            found.append(f"{name} (missing)" if name in OUTPUTS else f"{name} (removed)")
        elif before is None:
            found.append(f"{name} (new)")
        else:
            found.append(f"{name} (changed)")
    return found


def stale() -> list[str]:
    """What differs between the committed build, its sources and the manifest; empty when nothing does."""
    if not MANIFEST.is_file():
        return [f"{MANIFEST.relative_to(ROOT).as_posix()} is missing."]
    manifest = json.loads(MANIFEST.read_text(encoding="utf-8"))
    found = []
    if sources := _differences(manifest["inputs"], inputs()):
        found.append("The styles changed after the stylesheet was last built: " + ", ".join(sources) + ".")
    if built := _differences(manifest["outputs"], outputs()):
        found.append("The built files are not what the last build made (edited by hand?): "
                     + ", ".join(built) + ".")
    return found


def problems() -> list[str]:
    """Why the committed build does not match its sources, and what to do; empty when it does."""
    found = stale()
    return [*found, REBUILD] if found else []


def record() -> None:
    missing = [name for name, sha in outputs().items() if sha is None]
    if missing:
        raise SystemExit(f"frontend/assets.py: nothing to record, the build made no {', '.join(missing)}")
    manifest = {
        "about": "SHA-256 of the sources of static/css/civic.css and static/vendor/govuk-frontend.min.js "
                 "and of those files as built from them by `make assets` (see frontend/assets.py).",
        "inputs": inputs(),
        "outputs": outputs(),
    }
    MANIFEST.write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")


def main(argv: list[str]) -> int:
    if argv == ["record"]:
        record()
        return 0
    if argv == ["check"]:
        found = stale()
        for line in found:
            print(f"make assets: {line}", file=sys.stderr)
        return 1 if found else 0
    print("usage: python3 frontend/assets.py check|record", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
