"""Run the labeling server: bind, print the link with its token, serve until
Ctrl-C."""

import ipaddress
import secrets
import socket
import sys

from ._labeler import SETTINGS, Labeler

__all__ = ["serve"]


def _is_loopback(host):
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _bind(host, port):
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as exc:
        sock.close()
        raise ValueError(
            f"Cannot serve on {host}:{port} ({exc.strerror or exc}); pass another "
            "--port (0 picks a free one)."
        ) from exc
    sock.listen(64)
    sock.set_inheritable(True)
    return sock


def serve(
    session,
    *,
    host="127.0.0.1",
    port=0,
    target="target",
    X_display=None,
    describe_row=None,
    y_own=None,
    batch=5,
    lease_timeout=30.0,
    out=None,
):
    """Serve a labeling session to people in their browsers, until Ctrl-C.

    Binds to ``host`` (the loopback address unless told otherwise), prints
    ``http://HOST:PORT/?token=...`` with a fresh random token, and serves a
    page that shows one row at a time, the model's guess, and the progress.
    Every answer is committed to the session file before the page is told
    it was saved. Needs the ``web`` extra (``pip install skactive[web]``).

    Parameters
    ----------
    session : LabelingSession
        The open session; this process becomes its only writer.
    host : str, default="127.0.0.1"
        Address to bind. Anything but a loopback address lets other machines
        reach the page (with the token); a warning says so.
    port : int, default=0
        Port; 0 picks a free one.
    target : str, default="target"
        The name of what people type, shown on the page.
    X_display : DataFrame, default=None
        The rows as people should see them; None shows the session's pool.
    describe_row : callable, default=None
        ``describe_row(position) -> str``, each row's title.
    y_own : array-like, default=None
        The labels the learner started from, to flag implausible answers.
    batch : int, default=5
        Answers between two checks of the session's stopping criteria.
    lease_timeout : float, default=30
        Seconds a row stays reserved for a tab that went away.
    out : file, default=None
        Where to print the link (standard output).

    Examples
    --------
    >>> from skactive.web import serve
    >>> serve(session)                                        # doctest: +SKIP
    Labeling server: open http://127.0.0.1:8731/?token=3kF... in a browser.
    """
    given = locals()  # the labeler's settings among them
    try:
        import uvicorn

        from ._app import build_app
    except ImportError as exc:
        raise ImportError(
            "Serving a labeling session needs the web extra: "
            "pip install 'skactive[web]'."
        ) from exc
    out = sys.stdout if out is None else out
    loopback = _is_loopback(host)
    labeler = Labeler(session, **{name: given[name] for name in SETTINGS})
    sock = _bind(host, port)
    bound_port = sock.getsockname()[1]
    token = secrets.token_urlsafe(32)
    app = build_app(
        labeler, token, cookie=f"skactive_token_{bound_port}", loopback_only=loopback
    )
    shown = host
    if host in {"0.0.0.0", "::"}:
        shown = socket.gethostname()
    elif ":" in host:
        shown = f"[{host}]"
    if not loopback:
        print(
            f"warning: serving on {host}, which other machines can reach: anyone "
            "with the link below can label. The token is the only protection and "
            "the connection is not encrypted (http); use 127.0.0.1 unless you "
            "need this.",
            file=sys.stderr,
            flush=True,
        )
    print(
        f"Labeling server: open http://{shown}:{bound_port}/?token={token} in a "
        "browser. Every answer is saved as it is given; press Ctrl-C to stop.",
        file=out,
        flush=True,
    )
    config = uvicorn.Config(app, log_level="warning", access_log=False, lifespan="off")
    server = uvicorn.Server(config)
    try:
        server.run(sockets=[sock])
    except KeyboardInterrupt:  # uvicorn has shut down cleanly already
        pass
    finally:
        sock.close()
    print("Stopped. Every answer given is saved.", file=out, flush=True)
    return 0
