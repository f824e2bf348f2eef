"""Domain errors of product Q&A; their messages are safe to show."""

from ..exceptions import CatalogError


class QuestionError(CatalogError):
    """A question or answer that cannot be taken (empty, too long, not a buyer…)."""

    def __init__(self, message: str, *, status: int = 400) -> None:
        super().__init__(message)
        self.status = status


class QuestionLinkInvalid(CatalogError):
    pass
