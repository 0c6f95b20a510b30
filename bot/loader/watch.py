"""Notice new and changed coverage files cheaply, so a running bot picks them up."""

from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy.engine import Engine

from bot.loader.run import LoadReport, coverage_files, load_paths


@dataclass
class CoverageWatcher:
    """Remembers each file's size and modification time; only files whose signature changed are
    read again (and the loader's content hash then decides whether anything really changed)."""

    engine: Engine
    folder: Path
    _seen: dict[Path, tuple[int, int]] = field(default_factory=dict)

    def changed_files(self) -> list[Path]:
        changed = []
        for path in coverage_files([self.folder]) if self.folder.exists() else []:
            try:
                stat = path.stat()
            except OSError:
                continue
            signature = (stat.st_size, stat.st_mtime_ns)
            if self._seen.get(path) != signature:
                changed.append(path)
                self._seen[path] = signature
        return changed

    def poll(self) -> LoadReport | None:
        """Load what changed since the last call; None when nothing did."""
        changed = self.changed_files()
        return load_paths(self.engine, changed) if changed else None

    def reload_all(self) -> LoadReport:
        self._seen.clear()
        return self.poll() or LoadReport()
