"""One exception family.  Every message is Chinese, names the file (and where
known the annex, row and field) and says what to do."""
from __future__ import annotations


class QhsmeError(Exception):
    """Base of every error the toolkit raises on purpose."""

    exit_code = 2

    def __init__(self, message: str, *, file: str | None = None):
        self.message = message
        self.file = file
        super().__init__(self.__str__())

    def __str__(self) -> str:
        return f"{self.file}：{self.message}" if self.file else self.message


class InputError(QhsmeError):
    """A file cannot be read: missing, not UTF-8, not YAML/JSON, wrong kind of file."""


class DataProblems(QhsmeError):
    """The data was read but has problems; ``problems`` lists them all."""

    exit_code = 1

    def __init__(self, problems, *, file: str | None = None):
        self.problems = list(problems)
        super().__init__(f"发现 {len(self.problems)} 个问题", file=file)


class ResourceMissing(QhsmeError):
    """A template or font that should ship with the package is not there."""
