"""The web app and HTTP API (``juesuan serve``, docs/web.md): FastAPI with server-rendered pages
(Jinja2 autoescaped, htmx vendored in ``static/``), the corpus store underneath, sign-in for writes.

Needs the ``web`` extra (``pip install 'juesuan[web]'``)."""

from __future__ import annotations

from typing import Any


def create_app(*args: Any, **kwargs: Any) -> Any:
    from .app import create_app as make

    return make(*args, **kwargs)
