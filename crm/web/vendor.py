"""Refresh the vendored front-end files: ``uv run python -m crm.web.vendor``.

Installs the versions pinned in ``crm/web/assets/package-lock.json`` (``npm ci``; needs Node.js
and npm) and copies the few files the site serves, with each package's licence, into
``crm/web/static/vendor/``, which is committed: users and CI need no npm. To upgrade a library,
change its version in ``package.json``, run ``npm install --package-lock-only`` in that folder,
then this script, and commit the result.
"""

import shutil
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path

ASSETS = Path(__file__).parent / "assets"
VENDOR = Path(__file__).parent / "static" / "vendor"

FILES: Mapping[str, tuple[str, ...]] = {
    "graphiql": ("graphiql.min.js", "graphiql.min.css", "LICENSE"),
    "graphology": ("dist/graphology.umd.min.js", "LICENSE.txt"),
    "graphology-library": ("dist/graphology-library.min.js", "LICENSE.txt"),
    "react": ("umd/react.production.min.js", "LICENSE"),
    "react-dom": ("umd/react-dom.production.min.js", "LICENSE"),
    "sigma": ("dist/sigma.min.js", "LICENSE.txt"),
}
"""Per npm package, the files copied (flattened into ``vendor/<package>/``)."""


def vendor() -> list[Path]:
    """``npm ci``, then copy ``FILES``; answers the files written."""
    subprocess.run(["npm", "ci", "--no-audit", "--no-fund"], cwd=ASSETS, check=True)
    shutil.rmtree(VENDOR, ignore_errors=True)
    written = []
    for package, files in FILES.items():
        target = VENDOR / package
        target.mkdir(parents=True, exist_ok=True)
        for name in files:
            source = ASSETS / "node_modules" / package / name
            destination = target / Path(name).name
            shutil.copyfile(source, destination)
            written.append(destination)
    return written


def main() -> None:
    for path in vendor():
        print(path.relative_to(Path.cwd()) if path.is_relative_to(Path.cwd()) else path)


if __name__ == "__main__":
    main()
    sys.exit(0)
