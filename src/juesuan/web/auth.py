"""Users, API tokens, sign-in sessions, CSRF tokens and the sign-in rate limit of the web app.

Passwords are stored as salted scrypt hashes (hashlib, no extra dependency); API tokens and session
tokens are random (``secrets``) and stored as their SHA-256 only, so the database never holds a
secret that signs anyone in. The tables are migration 4 of the store (:mod:`juesuan.store.schema`).
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
import threading
import time
from datetime import datetime, timedelta, timezone
from typing import Any

from ..errors import InputError

SCRYPT_N, SCRYPT_R, SCRYPT_P = 2**14, 8, 1
SESSION_HOURS = 12
NAME_RE = re.compile(r"^[\w.\-\u4e00-\u9fff]{1,64}$")
MIN_PASSWORD = 8


def hash_password(password: str, salt: bytes | None = None) -> str:
    salt = salt or secrets.token_bytes(16)
    key = hashlib.scrypt(password.encode(), salt=salt, n=SCRYPT_N, r=SCRYPT_R, p=SCRYPT_P, dklen=32)
    return f"scrypt${SCRYPT_N}${SCRYPT_R}${SCRYPT_P}${salt.hex()}${key.hex()}"


def verify_password(password: str, stored: str) -> bool:
    try:
        scheme, n, r, p, salt, key = stored.split("$")
        if scheme != "scrypt":
            return False
        got = hashlib.scrypt(password.encode(), salt=bytes.fromhex(salt), n=int(n), r=int(r), p=int(p), dklen=32)
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(got.hex(), key)


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _now() -> datetime:
    return datetime.now(timezone.utc).replace(tzinfo=None)


def add_user(store: Any, name: str, password: str) -> None:
    """Create a user (InputError with a Chinese message for a bad name, a short password or a
    name already taken)."""
    if not NAME_RE.match(name):
        raise InputError(f"用户名不合规：{name}（1–64 个字母、数字、汉字、点、横线或下划线）", code="usage")
    if len(password) < MIN_PASSWORD:
        raise InputError(f"密码太短：至少 {MIN_PASSWORD} 个字符", code="usage")
    if store.db.execute("SELECT 1 FROM users WHERE name = ?", [name]):
        raise InputError(f"用户已存在：{name}", code="usage")
    store.db.execute("INSERT INTO users VALUES (?, ?, ?)", [name, hash_password(password), _now()])


def check_user(store: Any, name: str, password: str) -> bool:
    rows = store.db.execute("SELECT password_hash FROM users WHERE name = ?", [name])
    if not rows:
        verify_password(password, hash_password("x"))  # the same work whether the name exists or not
        return False
    return verify_password(password, str(rows[0][0]))


def new_token(store: Any, name: str) -> str:
    """A new API token for ``name`` (shown once; only its hash is stored)."""
    if not store.db.execute("SELECT 1 FROM users WHERE name = ?", [name]):
        raise InputError(f"没有这个用户：{name}（先用 juesuan user add 创建）", code="usage")
    token = "js_" + secrets.token_urlsafe(32)
    store.db.execute("INSERT INTO api_tokens VALUES (?, ?, ?)", [_digest(token), name, _now()])
    return token


def token_user(store: Any, token: str) -> str | None:
    rows = store.db.execute("SELECT user_name FROM api_tokens WHERE token_hash = ?", [_digest(token)])
    return str(rows[0][0]) if rows else None


def new_session(store: Any, name: str) -> str:
    token = secrets.token_urlsafe(32)
    store.db.execute("DELETE FROM web_sessions WHERE expires_at < ?", [_now()])
    store.db.execute(
        "INSERT INTO web_sessions VALUES (?, ?, ?)", [_digest(token), name, _now() + timedelta(hours=SESSION_HOURS)]
    )
    return token


def session_user(store: Any, token: str) -> str | None:
    rows = store.db.execute(
        "SELECT user_name FROM web_sessions WHERE token_hash = ? AND expires_at > ?", [_digest(token), _now()]
    )
    return str(rows[0][0]) if rows else None


def end_session(store: Any, token: str) -> None:
    store.db.execute("DELETE FROM web_sessions WHERE token_hash = ?", [_digest(token)])


def csrf_ok(cookie: str | None, submitted: str | None) -> bool:
    """Double-submit check: the form's token equals the browser's CSRF cookie (another site can
    neither read the cookie nor set it)."""
    return bool(cookie) and bool(submitted) and hmac.compare_digest(str(cookie), str(submitted))


class RateLimiter:
    """At most ``limit`` failed sign-ins per key (client address and user name) in ``window`` seconds."""

    def __init__(self, limit: int = 5, window: float = 300.0):
        self.limit, self.window = limit, window
        self._fails: dict[str, list[float]] = {}
        self._lock = threading.Lock()

    def _recent(self, key: str, now: float) -> list[float]:
        times = [t for t in self._fails.get(key, []) if now - t < self.window]
        self._fails[key] = times
        return times

    def blocked(self, key: str) -> bool:
        with self._lock:
            return len(self._recent(key, time.monotonic())) >= self.limit

    def failed(self, key: str) -> None:
        with self._lock:
            now = time.monotonic()
            self._recent(key, now).append(now)

    def reset(self, key: str) -> None:
        with self._lock:
            self._fails.pop(key, None)
