"""Engine ``cli``: ``soffice --convert-to pdf`` on batches, when no Python has ``uno``.

Each worker thread runs one soffice call on up to ``batch_size`` queued documents (every batch
is a fresh process, so there is nothing to keep warm). A batch that stops producing PDFs for
``doc_timeout`` seconds is killed; its first missing document counts an attempt and the rest go
back to the queue untouched.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from pipdocs.conversion.pool import Job, Pool
from pipdocs.conversion.soffice import find_soffice, profile_slot, run_batch
from pipdocs.core.limits import DOC_TIMEOUT

#: Most documents per soffice call (a call with a few hundred silently drops some).
BATCH_SIZE = 50
#: Fewest documents a worker waits for before starting a batch (unless input has ended).
MIN_BATCH = 8


class BatchPool(Pool):
    """``workers`` threads, each converting batches with its own LibreOffice profile."""

    engine = "cli"

    def __init__(self, workers: int | None = None, doc_timeout: float = DOC_TIMEOUT,
                 batch_size: int = BATCH_SIZE) -> None:
        super().__init__(workers or os.cpu_count() or 1, doc_timeout)
        self.soffice = find_soffice()
        self.batch_size = max(1, batch_size)

    def _worker(self, index: int) -> None:
        with profile_slot() as profile:
            while jobs := self._take(most=self.batch_size, least=min(MIN_BATCH, self.batch_size)):
                self._batch(jobs, profile)

    def _batch(self, jobs: list[Job], profile: Path) -> None:
        by_stem = {job.docx.stem: job for job in jobs}

        def got(doc: Path, pdf: Path) -> None:
            job = by_stem[doc.stem]
            os.replace(pdf, job.pdf)
            self._report(job)

        with tempfile.TemporaryDirectory(prefix=".pipdocs-batch-",
                                         dir=jobs[0].pdf.parent) as outdir:
            missing, reason = run_batch(self.soffice, profile, [j.docx for j in jobs],
                                        Path(outdir), self.doc_timeout, got, self._track)
        if missing:
            self.restarts += 1
            self._failed(by_stem[missing[0].stem], reason)
            self._requeue([by_stem[d.stem] for d in missing[1:]])
