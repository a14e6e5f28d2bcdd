"""Static files under content-hashed names: ``/static/app.3f2a9c1b0d.css``.

The hashes are computed when the site is built; a hashed name is served with a year's
``immutable`` cache, so a browser fetches each version once, and a changed file gets a new name.
An unhashed name is served too, but must be checked again every time (``no-cache``).
"""

import hashlib
import mimetypes
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from starlette.requests import Request
from starlette.responses import FileResponse, Response

STATIC_DIR = Path(__file__).parent / "static"
PREFIX = "/static/"
IMMUTABLE = "public, max-age=31536000, immutable"
REVALIDATE = "no-cache"

mimetypes.add_type("text/javascript", ".js")
mimetypes.add_type("text/css", ".css")


@dataclass
class Assets:
    """The static files of one folder, by their names and their hashed names."""

    root: Path = STATIC_DIR
    _hashed: dict[str, str] = field(init=False, default_factory=dict)
    """name (``vendor/graphiql/graphiql.min.css``) -> hashed name"""
    _files: dict[str, tuple[Path, bool]] = field(init=False, default_factory=dict)
    """served name -> the file, and whether the name is hashed"""

    def __post_init__(self) -> None:
        for path in sorted(self.root.rglob("*")):
            if not path.is_file():
                continue
            name = path.relative_to(self.root).as_posix()
            digest = hashlib.sha256(path.read_bytes()).hexdigest()[:10]
            pure = PurePosixPath(name)
            hashed = str(pure.with_name(f"{pure.stem}.{digest}{pure.suffix}"))
            self._hashed[name] = hashed
            self._files[name] = (path, False)
            self._files[hashed] = (path, True)

    def url(self, name: str) -> str:
        """The URL of a static file under its hashed name (``KeyError`` for an unknown one)."""
        return PREFIX + self._hashed[name]

    async def serve(self, request: Request) -> Response:
        """``GET /static/{name}``: the file, cached for a year under a hashed name."""
        found = self._files.get(request.path_params["name"])
        if found is None:
            return Response("not found", 404, media_type="text/plain")
        path, hashed = found
        return FileResponse(path, headers={"Cache-Control": IMMUTABLE if hashed else REVALIDATE})
