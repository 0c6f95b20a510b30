"""Notice new and changed coverage files cheaply, so a running bot picks them up."""

from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy.engine import Engine

from bot.loader.run import RETRY_LATER, LoadReport, coverage_files, load_paths


@dataclass
class CoverageWatcher:
    """Remembers each file's size and modification time; only files whose signature changed are
    read again (and the loader's content hash then decides whether anything really changed)."""

    engine: Engine
    folder: Path
    _seen: dict[Path, tuple[int, int]] = field(default_factory=dict)

    def changed_files(self) -> dict[Path, tuple[int, int]]:
        """Files that are new or changed since they were last loaded, with their signatures."""
        changed = {}
        for path in coverage_files([self.folder]) if self.folder.exists() else []:
            try:
                stat = path.stat()
            except OSError:
                continue
            signature = (stat.st_size, stat.st_mtime_ns)
            if self._seen.get(path) != signature:
                changed[path] = signature
        return changed

    def poll(self) -> LoadReport | None:
        """Load what changed since the last call; None when nothing did. A file the database
        could not take is tried again next time; a file that cannot be parsed waits for a change."""
        changed = self.changed_files()
        if not changed:
            return None
        report = load_paths(self.engine, list(changed))
        for outcome in report.outcomes:
            if not (outcome.status == "failed" and outcome.message.startswith(RETRY_LATER)):
                self._seen[outcome.path] = changed[outcome.path]
        return report

    def reload_all(self) -> LoadReport:
        self._seen.clear()
        return self.poll() or LoadReport()
