"""The official descriptor check (frictionless), run as its own process: `python -I standard.py DESCRIPTOR`.

It prints, as JSON, {"errors": [[type, message], ...], "refused": [what, ...]}. The descriptor may come from
anyone, and frictionless fetches a `profile` given as a URL and follows some paths. So a profile that is a URL
is dropped before frictionless sees it (descriptor.check reports it), and while frictionless checks, an audit
hook refuses every socket and every file but the descriptor and Python's own: what it tried is printed under
"refused" rather than done. Run with -I, so that no module is imported from the folder it is run in.
Nothing of the project is imported here: the standard library and frictionless alone.
"""
from __future__ import annotations

import json
import os
import re
import sys

URL = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://")


def guard(allowed: str, refused: list[str]) -> None:
    """From now on, refuse (and note) any socket, and the opening of any file but `allowed` and those of the
    Python installation (a module frictionless imports late)."""
    homes = tuple({os.path.join(os.path.realpath(p), "") for p in
                   (sys.prefix, sys.base_prefix, sys.exec_prefix, sys.base_exec_prefix)})

    def hook(event: str, args: tuple) -> None:
        if event.startswith("socket."):
            refused.append(f"network ({event} {args[1:2]!r})")
            raise PermissionError("the validator makes no network request")
        if event == "open" and isinstance(args[0], (str, bytes, os.PathLike)):
            path = os.path.realpath(os.fsdecode(args[0]))
            if path != allowed and not path.startswith(homes):
                refused.append(f"file {path}")
                raise PermissionError("the validator opens no file outside the package")

    sys.addaudithook(hook)


def local(descriptor: object) -> object:
    """The descriptor without the profiles given as URLs (of the package and of its resources)."""
    if isinstance(descriptor, dict):
        resources = descriptor.get("resources")
        for part in [descriptor, *(resources if isinstance(resources, list) else [])]:
            if isinstance(part, dict) and isinstance(part.get("profile"), str) and URL.match(part["profile"]):
                del part["profile"]
    return descriptor


def main(path: str) -> None:
    import frictionless

    allowed = os.path.realpath(path)
    refused: list[str] = []
    guard(allowed, refused)
    with open(allowed, encoding="utf-8") as fh:
        descriptor = local(json.load(fh))
    report = frictionless.Package.validate_descriptor(descriptor)
    json.dump({"errors": [[e.type, e.message] for e in report.errors], "refused": refused}, sys.stdout)


if __name__ == "__main__":
    main(sys.argv[1])
