"""The web commands of the command line (docs/web.md): ``juesuan serve`` and ``juesuan user``
(``add`` a user, issue an API ``token``). :func:`register` adds them to the typer app of :mod:`.cli`."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any, Callable, Optional

import typer

from .clirun import _as_error, _emit_error
from .errors import InputError, JuesuanError

_DB_HELP = "数据库：DuckDB 文件路径或 postgresql://… 连接串；默认为环境变量 JUESUAN_DB，否则 ~/.local/share/juesuan/juesuan.duckdb"


def _run(fn: Callable[[], Any]) -> Any:
    try:
        return _as_error(fn)
    except JuesuanError as err:
        raise typer.Exit(_emit_error(err, None, False)) from None


def _web_missing() -> InputError:
    return InputError("网页服务需要 web 组件：pip install 'juesuan[web]'（fastapi、uvicorn、jinja2、python-multipart）")


def register(app: typer.Typer) -> None:
    user_app = typer.Typer(help="网页服务的用户：创建用户、生成 API 令牌。", no_args_is_help=True)
    app.add_typer(user_app, name="user")

    @app.command(options_metavar="[选项]")
    def serve(
        host: str = typer.Option("127.0.0.1", "--host", help="监听地址（默认只允许本机访问）"),
        port: int = typer.Option(8000, "--port", help="端口"),
        db: Optional[str] = typer.Option(None, "--db", help=_DB_HELP),
        data: Optional[Path] = typer.Option(
            None, "--data", help="上传文件与报告的存放文件夹（默认：数据库旁的 juesuan-web 文件夹）"
        ),
        max_upload_mb: int = typer.Option(50, "--max-upload-mb", help="单个上传文件的大小上限（MB）"),
        secure_cookies: bool = typer.Option(
            False, "--secure-cookies", help="只经 HTTPS 发送登录 Cookie（部署在 HTTPS 后面时使用）"
        ),
    ) -> None:
        """启动网页服务与 HTTP API（浏览器打开 http://HOST:PORT/，API 说明在 /api/docs）。"""

        def run() -> Any:
            try:
                import uvicorn

                from .web.app import Settings, create_app
            except ImportError:
                raise _web_missing() from None
            from .store import default_path

            folder = data or Path(str(db or default_path())).parent / "juesuan-web"
            if db and db.startswith(("postgresql://", "postgres://")) and data is None:
                folder = Path.home() / ".local" / "share" / "juesuan" / "juesuan-web"
            settings = Settings(
                db=db, data_dir=folder, max_upload=max_upload_mb * 1024 * 1024, secure_cookies=secure_cookies
            )
            web = create_app(settings)
            typer.echo(
                f"网页服务：http://{host}:{port}/（数据库 {web.state.juesuan.store.url}，文件夹 {folder}）", err=True
            )
            uvicorn.run(web, host=host, port=port, log_level="warning")

        _run(run)

    @user_app.command("add", options_metavar="[选项]")
    def user_add(
        name: str = typer.Argument(..., metavar="用户名"),
        db: Optional[str] = typer.Option(None, "--db", help=_DB_HELP),
        password_stdin: bool = typer.Option(False, "--password-stdin", help="从标准输入读取密码（一行）"),
    ) -> None:
        """创建网页服务的用户（密码以加盐 scrypt 哈希保存）。"""

        def run() -> None:
            from .store import open_store
            from .web.auth import add_user

            if password_stdin:
                password = sys.stdin.readline().rstrip("\r\n")
            else:
                password = typer.prompt("密码", hide_input=True, confirmation_prompt=True)
            with open_store(db) as s:
                add_user(s, name, password)

        _run(run)
        typer.echo(f"已创建用户：{name}")

    @user_app.command("token", options_metavar="[选项]")
    def user_token(
        name: str = typer.Argument(..., metavar="用户名"),
        db: Optional[str] = typer.Option(None, "--db", help=_DB_HELP),
    ) -> None:
        """为用户生成一个 API 令牌（只显示这一次；请求时用 Authorization: Bearer 令牌）。"""

        def run() -> str:
            from .store import open_store
            from .web.auth import new_token

            with open_store(db) as s:
                return new_token(s, name)

        typer.echo(_run(run))
