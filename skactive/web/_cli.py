"""``skactive label ... --serve``: the CSV's pool, served in the browser."""

import importlib
import os

from ._serve import serve

__all__ = ["serve_pool"]


def serve_pool(session, pool, args):
    """Serve ``session`` with the rows of the CSV ``pool`` (a ``_Pool``)."""
    name = os.path.basename(pool.path)

    keys = getattr(pool, "keys", None)  # the --id column, when one is named

    def describe_row(position):
        row = pool.row_of(position)
        key = "" if keys is None else f", {pool.key} {keys[position]}"
        return f"Row {row} of {name} (line {row + 2}{key})"

    try:
        importlib.import_module("starlette")
        importlib.import_module("uvicorn")
    except ImportError as exc:
        raise ValueError(
            f"--serve needs the web extra ({exc.name} is missing): "
            "pip install 'skactive[web]'."
        ) from exc
    return serve(
        session,
        host=args.host,
        port=args.port,
        target=pool.target,
        X_display=pool.X_pool,
        describe_row=describe_row,
        y_own=pool.y_labeled,
        batch=args.batch,
    )
