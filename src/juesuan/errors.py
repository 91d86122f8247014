"""Errors that reach the user. Their messages are Simplified Chinese and specific."""


class JuesuanError(Exception):
    """Base class: an error with a user-facing Chinese message."""


class InputError(JuesuanError):
    """The input cannot be used (empty, binary, unreadable, too large, unsupported format).

    The CLI turns it into exit status 2 with the message and no traceback."""
