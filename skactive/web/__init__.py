"""Labeling in the browser: a small local web app over a
:class:`~skactive.LabelingSession` (extra ``web``: Starlette and uvicorn,
imported only when serving)."""

from ._serve import serve

__all__ = ["serve"]
