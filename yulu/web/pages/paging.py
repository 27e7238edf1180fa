"""Pages of a list: which page the request asks for, how many there are, links that keep the
filters."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

from aiohttp import web

from yulu.web.context import runtime


@dataclass(frozen=True)
class Pager:
    page: int
    size: int
    total: int
    params: tuple[tuple[str, str], ...]
    path: str

    @classmethod
    def of(cls, request: web.Request, *, total: int) -> Pager:
        size = runtime(request).settings.web.page_size
        raw = request.query.get("page", "1")
        page = int(raw) if raw.isdigit() and int(raw) > 0 else 1
        params = tuple((k, v) for k, v in request.query.items() if k != "page" and v)
        return cls(min(page, max(cls.count(total, size), 1)), size, total, params, request.path)

    @staticmethod
    def count(total: int, size: int) -> int:
        return (total + size - 1) // size

    @property
    def pages(self) -> int:
        return max(self.count(self.total, self.size), 1)

    def link(self, page: int) -> str:
        return f"{self.path}?{urlencode([*self.params, ('page', str(page))])}"

    def query(self) -> str:
        """The current filters as a query string (for the export link)."""
        return urlencode(self.params)
