"""The ``juesuan`` command (the installed script) and ``python -m juesuan``.

``juesuan check FILE [--format json|text]``, the common case, runs without importing typer and
click (:func:`juesuan.clirun.fast_check`, through the same functions as the full command line);
everything else goes to the full command line, :func:`juesuan.cli.main`.
"""

from __future__ import annotations

import sys


def main(argv: list[str] | None = None) -> None:
    # Start-up: in the command's own process (never on a library import, which must leave the
    # interpreter's dataclasses module alone), the methods dataclasses generates are compiled once
    # and cached (juesuan._dccache).
    from . import _dccache, _recache

    _dccache.install()
    _recache.install()  # and the regular expressions' compiled code (juesuan._recache)
    from .clirun import fast_check

    args = list(sys.argv[1:] if argv is None else argv)
    code = fast_check(args)
    if code is None:
        from .cli import main as full

        full(args)
        return
    sys.exit(code)


if __name__ == "__main__":
    main()
