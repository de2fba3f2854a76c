"""Page images of an envelope's current document, so every page reads on a phone without a PDF
viewer. Rendered once per document version with poppler's pdftoppm, then served from disk."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from pipdocs.core.errors import ConversionError

RESOLUTION = 150  # an A4 page 1240 px wide: sharp on a 2x phone screen, ~150 KB per page
MAX_PAGES = 200


def page_images(pdf: Path) -> list[Path]:
    """The PNG of every page of ``pdf``, rendered on first use next to it."""
    target = pdf.with_name(pdf.stem + "-pages")
    if not target.is_dir():
        work = Path(tempfile.mkdtemp(prefix=".pages-", dir=pdf.parent))
        try:
            subprocess.run(
                ["pdftoppm", "-png", "-r", str(RESOLUTION), "-l", str(MAX_PAGES), str(pdf),
                 str(work / "page")],
                check=True, capture_output=True, timeout=120,
            )
            os.rename(work, target)  # atomic; a racing renderer loses and cleans up
        except FileNotFoundError as exc:
            raise ConversionError("pdftoppm is not installed (Debian: poppler-utils)") from exc
        except subprocess.CalledProcessError as exc:
            raise ConversionError(f"{pdf}: pdftoppm failed: {exc.stderr[-300:]!r}") from exc
        except OSError:
            if not target.is_dir():
                raise
        finally:
            if work.exists():
                shutil.rmtree(work, ignore_errors=True)
    return sorted(target.glob("page-*.png"), key=lambda p: int(p.stem.rsplit("-", 1)[1]))
