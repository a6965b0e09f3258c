"""One warning per cause: what the runs of a simulation warned about, summarised."""

import re


def _normalized(message):
    """A warning's cause: its first line with numbers and lists blanked out."""
    first = message.strip().splitlines()[0] if message.strip() else message
    first = re.sub(r"\[[^\]]*\]", "[...]", first)
    return re.sub(r"\d+(\.\d+)?(e[-+]?\d+)?", "#", first)


_SKIPPED = re.compile(r"Skipping features without any observed values: \[(.*?)\]", re.S)


def _skipped_columns(messages):
    """Columns a SimpleImputer skipped for having no observed value, by name
    (or position), from its warnings; empty for any other warning."""
    names = []
    for message in messages:
        match = _SKIPPED.search(message)
        if not match:
            return []
        for name in re.findall(r"'([^']*)'|\"([^\"]*)\"|(-?\d+)", match.group(1)):
            name = next(part for part in name if part)
            if name not in names:
                names.append(name)
    return names


def summarize_warnings(caught, n_columns=None):
    """One entry per distinct cause of ``(category, message)`` pairs, most
    frequent first: ``category``, ``message`` (the first seen), ``count``,
    ``messages`` (the distinct texts) and a one-line ``summary``."""
    causes = {}
    for category, message in caught:
        key = (category, _normalized(message))
        cause = causes.setdefault(
            key, {"category": category, "message": message, "count": 0, "messages": []}
        )
        cause["count"] += 1
        if message not in cause["messages"]:
            cause["messages"].append(message)
    ordered = sorted(causes.values(), key=lambda cause: -cause["count"])
    for cause in ordered:
        skipped = _skipped_columns(cause["messages"])
        if skipped:
            shown = ", ".join(skipped[:8]) + (", ..." if len(skipped) > 8 else "")
            of = f" of {n_columns}" if n_columns else ""
            cause["summary"] = (
                "Columns with no observed value among the labeled rows were left out "
                f"of those fits by the imputer ({cause['count']} fits; "
                f"{len(skipped)}{of} columns): {shown}"
            )
            continue
        first = " ".join(cause["message"].split())
        if len(first) > 300:
            first = first[:297] + "..."
        times = "once" if cause["count"] == 1 else f"{cause['count']} times"
        cause["summary"] = f"{cause['category'].__name__} ({times}): {first}"
    return ordered
