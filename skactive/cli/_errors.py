"""The error every command raises for a problem with the user's input."""


class CommandError(ValueError):
    """A problem with the user's input, reported as one line on stderr."""
