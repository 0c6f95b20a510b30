"""Notice new, changed and vanished coverage files cheaply, so a running bot picks them up."""

import logging
import os
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlmodel import col

from bot.kinds import LoadStatus
from bot.loader.in_child import ChildLoader
from bot.loader.run import LoadReport, coverage_files, load_paths
from bot.loader.unload import unload_sources
from bot.models import Page

log = logging.getLogger(__name__)

# A file modified this recently may still be being written (copied in, saved by an editor):
# it is read once it has been left alone this long.
SETTLE_SECONDS = 2.0


@dataclass
class CoverageWatcher:
    """Remembers each file's size and modification time; only files whose signature changed are
    read again (and the loader's content hash then decides whether anything really changed).

    A stored file that is gone from the folder for `unload_after` seconds has its rows removed
    (entries another page still shows stay); a file moved within the folder keeps them.
    """

    engine: Engine
    folder: Path
    unload_after: float = 600.0
    settle: float = SETTLE_SECONDS
    # The running bot loads in a child process (bot.loader.in_child); without one (the command
    # line, a database only this process can open) files are loaded in place.
    child: ChildLoader | None = None
    # Set when the process stops: a load under way is abandoned (what it committed stays).
    stopping: threading.Event = field(default_factory=threading.Event)
    _seen: dict[Path, tuple[int, int]] = field(default_factory=dict)
    _gone_since: dict[str, float] = field(default_factory=dict)
    # After a look at the folder: seconds until the last file still being written has settled
    # (None: none is), when a look at it again would find it ready.
    settles_in: float | None = None

    def changed_files(self, settle: float | None = None) -> dict[Path, tuple[int, int]]:
        """Files that are new or changed since they were last loaded and have settled, with their
        signatures."""
        settle = self.settle if settle is None else settle
        changed = {}
        now = time.time()
        self.settles_in = None
        for path in coverage_files([self.folder]) if self.folder.exists() else []:
            try:
                stat = path.stat()
            except OSError:
                continue
            signature = (stat.st_size, stat.st_mtime_ns)
            # Only a recent time means "still being written": a time ahead of the clock is skew.
            being_written = 0 <= now - stat.st_mtime < settle
            if self._seen.get(path) == signature:
                continue
            if being_written:
                self.settles_in = max(self.settles_in or 0.0, settle - (now - stat.st_mtime))
            else:
                changed[path] = signature
        return changed

    def poll(self, settle: float | None = None) -> LoadReport | None:
        """Load what changed since the last call; None when nothing did. A file the database
        could not take is tried again next time; a file that cannot be parsed waits for a change."""
        changed = self.changed_files(settle)
        report = self._load(list(changed)) if changed else None
        for outcome in report.outcomes if report else []:
            if outcome.status != LoadStatus.RETRY_LATER:
                self._seen[outcome.path] = changed[outcome.path]
        self._unload_vanished()
        return report

    def _load(self, paths: list[Path]) -> LoadReport:
        log.info("loading %d new or changed file(s)", len(paths))
        if self.child is None:
            return load_paths(self.engine, paths)
        return self.child.load(paths, self.stopping)

    def close(self) -> None:
        """End the loading child process, if there is one."""
        if self.child is not None:
            self.child.close()

    def reload_all(self) -> LoadReport:
        """Every file again, now (an admin's /reload: whoever asks knows the files are ready)."""
        self._seen.clear()
        return self.poll(settle=0) or LoadReport()

    def _unload_vanished(self) -> None:
        """Files of this folder the database holds but the folder no longer has: gone for good
        once they stay away long enough (a file being replaced or moved comes back first)."""
        root = str(self.folder.resolve()) + os.sep
        with self.engine.connect() as connection:
            stored = [s for (s,) in connection.execute(select(col(Page.source))).all() if s.startswith(root)]
        now = time.monotonic()
        missing = {source for source in stored if not Path(source).exists()}
        for source in list(self._gone_since):
            if source not in missing:
                del self._gone_since[source]
        for source in missing:
            self._gone_since.setdefault(source, now)
        due = [source for source, since in self._gone_since.items() if now - since >= self.unload_after]
        if due:
            done = unload_sources(self.engine, due)
            for source in due:
                del self._gone_since[source]
            log.info("removed %d vanished file(s) from the coverage (%d entries no page shows any more)", done.pages, done.entries)
