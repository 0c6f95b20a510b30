"""What a page's address says: which coverage it belongs to and which page it is."""

import hashlib
import re
from urllib.parse import unquote

LIVE_PATH = re.compile(r"/live/(?P<path>[^?#&\s]+)", re.IGNORECASE)
PAGE_IN_QUERY = re.compile(r"[?&]page=(\d+)", re.IGNORECASE)
PAGE_IN_PATH = re.compile(r"/page/(\d+)", re.IGNORECASE)
TRACKING = re.compile(r"-ns_.*$")


MAX_KEY = 200


def coverage_key(address: str) -> str:
    """A key shared by every page of one live story, whatever host or tracking tail the link has.

    "https://feeds.bbci.co.uk/news/live/world-europe-60454795?page=28" and
    "https://www.bbc.com/news/live/world-europe-60454795/page/2" both give "world-europe-60454795".
    Redirect and short links that name no live page keep their whole address.
    """
    text = unquote(address.strip())
    matches = list(LIVE_PATH.finditer(text))
    if not matches:
        return _bounded(re.sub(r"^https?://", "", text).rstrip("/"))
    path = matches[-1].group("path")
    path = PAGE_IN_PATH.sub("", path)
    path = TRACKING.sub("", path)
    return path.strip("/").lower()


def page_number(address: str) -> int:
    for pattern in (PAGE_IN_QUERY, PAGE_IN_PATH):
        match = pattern.search(address)
        if match:
            return int(match.group(1))
    return 1


def _bounded(key: str) -> str:
    """Tracking links can run to hundreds of characters: keep a readable head and a hash of all."""
    if len(key) <= MAX_KEY:
        return key
    return f"{key[:MAX_KEY - 17]}#{hashlib.sha256(key.encode()).hexdigest()[:16]}"
