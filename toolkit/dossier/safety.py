"""WeasyPrint may fetch nothing for generated pages: no file, no network."""
from __future__ import annotations


def deny_all_fetcher(url: str, *args, **kwargs):
    raise ValueError(f"refused to fetch {url[:80]}")
