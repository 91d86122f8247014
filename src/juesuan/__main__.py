"""The ``juesuan`` command (the installed script) and ``python -m juesuan``.

``juesuan check FILE [--format json|text]``, the common case, runs without importing typer and
click (:func:`juesuan.clirun.fast_check`, through the same functions as the full command line);
everything else goes to the full command line, :func:`juesuan.cli.main`.
"""

from __future__ import annotations

import sys


def main(argv: list[str] | None = None) -> None:
    import gc

    # Start-up allocates the modules' long-lived objects: no collection scans them while they are
    # made; a check freezes them once loaded (juesuan.clirun.settle), every path enables the
    # collector again before its work.
    gc.disable()
    # Start-up: in the command's own process (never on a library import, which must leave the
    # interpreter's dataclasses module alone), the methods dataclasses generates are compiled once
    # and cached (juesuan._dccache).
    from . import _dccache, _recache

    _dccache.install()
    _recache.install()  # and the regular expressions' compiled code (juesuan._recache)
    from . import clirun

    clirun.COMMAND_PROCESS = True
    args = list(sys.argv[1:] if argv is None else argv)
    try:
        code = clirun.fast_check(args)
    finally:
        gc.enable()
    if code is None:
        from .cli import main as full

        full(args)
        return
    sys.exit(code)


if __name__ == "__main__":
    main()
