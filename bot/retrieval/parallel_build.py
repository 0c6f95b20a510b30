"""Build the postings of a large coverage in two parts at once, one in a second process: the
main index of 100,000 entries is most of a start-up, and the machine has a second core.

The parts become two segments of the index (bot.retrieval.segment), searched side by side like
any others. The second process is a fresh interpreter running this module, fed the documents
and answering with the postings through its standard streams: no fork of a process whose other
threads may hold locks, and nothing depends on how the calling program was started.
"""

import logging
import os
import pickle
import subprocess
import sys
import threading
from typing import IO, NamedTuple

from bot.retrieval.documents import Document
from bot.retrieval.postings import Postings, build_postings

log = logging.getLogger(__name__)

# Below this many documents a second process costs more than it saves.
PARALLEL_FROM = 20_000
# The other process starts while the caller still reads the quotes: it gets the larger part.
OTHER_SHARE = 0.5


class PartsBuild:
    """A build started as soon as the documents are read: the second process starts and reads
    its part while the caller goes on (reading the quotes, say); `parts()` builds the rest here
    and collects the other part."""

    def __init__(self, documents: list[Document]):
        self.documents = documents
        self.cut = 0
        self.child: subprocess.Popen | None = None
        if len(documents) < PARALLEL_FROM or (os.cpu_count() or 1) < 2:
            return
        self.cut = int(len(documents) * OTHER_SHARE)
        try:
            self.child = subprocess.Popen([sys.executable, "-m", __name__], stdin=subprocess.PIPE, stdout=subprocess.PIPE)
        except OSError as exc:
            log.warning("cannot start a second process to build part of the index (%s)", exc)
            return
        assert self.child.stdin is not None
        threading.Thread(target=_send, args=(self.child.stdin, documents[: self.cut]), name="index part", daemon=True).start()

    def abandon(self) -> None:
        """The caller failed before asking for the parts: end the second process."""
        if self.child is not None:
            self.child.kill()
            self.child.wait()
            self.child = None

    def parts(self) -> list[tuple[Postings, int, int]]:
        """(postings, first position, size) of each part, in order."""
        documents, cut = self.documents, self.cut
        if not cut:
            return [(build_postings(documents), 0, len(documents))]
        rest = build_postings(documents[cut:])
        first: Postings | None = None
        if self.child is not None:
            assert self.child.stdout is not None
            try:
                first = pickle.load(self.child.stdout)
            except (EOFError, pickle.UnpicklingError, OSError) as exc:
                log.warning("the second process building part of the index failed (%s); building it here", exc)
            finally:
                self.child.stdout.close()
                self.child.wait()
        if first is None:
            first = build_postings(documents[:cut])
        return [(first, 0, cut), (rest, cut, len(documents) - cut)]


class _Texts(NamedTuple):
    """What the postings are built from, without the rest of a document: plain tuples of
    strings pickle several times faster than documents, on the interpreter the answers use."""

    kind: str
    title: str
    body: str
    author: str | None
    byline: str


def _send(stream: IO[bytes], documents: list[Document]) -> None:
    texts = [(d.kind.value, d.title, d.body, d.author, d.byline) for d in documents]
    try:
        pickle.dump(texts, stream, protocol=pickle.HIGHEST_PROTOCOL)
        stream.close()
    except (BrokenPipeError, OSError):  # the child died: its part is built here instead
        pass


if __name__ == "__main__":
    part = [_Texts(*texts) for texts in pickle.load(sys.stdin.buffer)]
    pickle.dump(build_postings(part), sys.stdout.buffer, protocol=pickle.HIGHEST_PROTOCOL)  # type: ignore[arg-type]
