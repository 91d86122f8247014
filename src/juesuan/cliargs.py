"""The plain form of the command line, ``juesuan check FILE [--format json|text]``, told apart from
every other without importing click or anything heavy: the command's start-up (juesuan.__main__,
which starts loading that FILE's pages) and its fast path (juesuan.clirun.fast_check) read it here."""

from __future__ import annotations

FORMATS = ("json", "text")
FORMAT_OPTIONS = ("--format", "-f")


def simple_check(args: list[str]) -> tuple[str, bool] | None:
    """(file, as_json) when ``args`` are ``check FILE`` with at most ``--format``/``-f`` json|text
    before or after it, as separate words; None for anything else (the full parser handles it)."""
    if len(args) not in (2, 4) or args[0] != "check":
        return None
    rest = args[1:]
    fmt = "text"
    if len(rest) == 3:
        if rest[0] in FORMAT_OPTIONS and rest[1] in FORMATS:
            fmt, rest = rest[1], rest[2:]
        elif rest[1] in FORMAT_OPTIONS and rest[2] in FORMATS:
            fmt, rest = rest[2], rest[:1]
        else:
            return None
    file = rest[0]
    if not file or file.startswith("-") or "\x1b" in file:
        return None
    return file, fmt == "json"
