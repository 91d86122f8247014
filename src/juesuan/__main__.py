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
    args = list(sys.argv[1:] if argv is None else argv)
    if argv is None and args[:1] == ["check"]:
        # first of all, for the plain ``check FILE``: PDFium loads the PDF's pages in a second
        # thread while the pipeline is imported (juesuan.readers.prefetch) — the process's own
        # command line only
        from .cliargs import simple_check

        simple = simple_check(args)
        if simple is not None:
            from .readers import backread, prefetch

            # a process first, before any thread: the page helper (juesuan.readers.backread)
            helped = backread.start(simple[0])
            prefetch.start(simple[0], share=backread.SHARE if helped else 1.0)
    # Start-up: in the command's own process (never on a library import, which must leave the
    # interpreter's dataclasses module alone), the methods dataclasses generates are compiled once
    # and cached (juesuan._dccache).
    from . import _dccache, _recache

    _dccache.install()
    _recache.install()  # and the regular expressions' compiled code (juesuan._recache)
    from . import clirun

    clirun.COMMAND_PROCESS = True
    try:
        code = clirun.fast_check(args)
    finally:
        gc.enable()
    if code is None:
        from .cli import main as full

        full(args)
        return
    if argv is None:  # the process's own command line: the process ends here
        _exit(code)
    sys.exit(code)


def _exit(code: int) -> None:
    """End the checked command's process as Python would, without tearing the interpreter down.

    Python's own exit, after a check, runs the ``atexit`` functions, flushes the standard streams,
    then frees every module, class and object one by one (≈ 20 M instructions, ≈ 2.5 % of a small
    file's check) — work whose result nobody sees. Here the first two are done as Python does them
    (atexit first: its functions may still write), then the process ends with ``os._exit``. Python's
    exit is kept where the teardown could matter: threads still running (Python waits for them),
    ``-i`` (the interpreter stays), development mode (its warnings on unclosed files), or a stream
    that cannot be flushed (Python's own message and status 120). The fast check writes only to the
    standard streams (no ``-o``); the caches write their files in their atexit functions."""
    import os

    threading = sys.modules.get("threading")
    if (threading is not None and threading.active_count() > 1) or sys.flags.inspect or sys.flags.dev_mode:
        sys.exit(code)
    import atexit

    atexit._run_exitfuncs()
    try:
        for stream in (sys.stdout, sys.stderr):
            if stream is not None:
                stream.flush()
    except Exception:
        sys.exit(code)  # Python's exit flushes again and reports the failure as it does
    os._exit(code)


if __name__ == "__main__":
    main()
