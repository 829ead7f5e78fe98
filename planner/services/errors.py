"""Errors a use case raises; the message is one plain sentence to show where the input was."""


class ValidationError(ValueError):
    """Input that cannot be stored. Nothing was written."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


class NotFoundError(LookupError):
    """The record to change no longer exists (deleted elsewhere, or by an undo)."""
