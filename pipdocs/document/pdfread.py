"""Every PDF pipdocs reads is opened here, with a cap on what its streams may expand to.

A few hundred kilobytes of deflated zeros expand to gigabytes. pyHanko decodes a stream only when
it is read (an attachment, a content stream, validation data) and stops at the limits it is
given: ours (``core.limits.PDF_DECODED_BYTES``, for the whole document and for any one stream)
are much tighter than pyHanko's defaults (256 MB a stream). Opening decodes every stream once,
under that cap, so a bomb is refused here in one clear line instead of deep inside a signature
check; later reads take the bytes already decoded.
"""

from __future__ import annotations

from io import BytesIO

from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.decode_limits import (
    DEFAULT_PURPOSE_LIMITS,
    DecodeLimits,
    DocumentDecodeBudget,
    StreamDecodeLimits,
)
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.misc import PdfDecodeLimitError
from pyhanko.pdf_utils.reader import PdfFileReader

from pipdocs.core.errors import InputError
from pipdocs.core.i18n import tr
from pipdocs.core.limits import PDF_DECODED_BYTES, PDF_DECODED_RATIO

#: Filters pyHanko decodes; a stream with any other (an image's DCTDecode) is never decoded.
DECODED_FILTERS = frozenset({"/FlateDecode", "/Fl", "/ASCIIHexDecode", "/AHx",
                             "/ASCII85Decode", "/A85"})


class TooLarge(InputError):
    """The PDF's streams expand beyond the cap: the file is refused (exit 2), never judged."""


def decode_limits() -> DecodeLimits:
    """pyHanko's decoding limits with pipdocs' caps (its tighter per-purpose limits kept)."""
    return DecodeLimits(
        per_stream=StreamDecodeLimits(max_output_size=PDF_DECODED_BYTES),
        per_purpose=dict(DEFAULT_PURPOSE_LIMITS),
        document_budget=DocumentDecodeBudget(base_allowance=PDF_DECODED_BYTES,
                                             max_ratio=PDF_DECODED_RATIO),
    )


def open_pdf(data: bytes, source: object, *, strict: bool = False) -> PdfFileReader:
    """A pyHanko reader of ``data`` whose streams were all decoded within the caps;
    TooLarge naming ``source`` when they expand beyond them. Parser errors pass through."""
    reader = PdfFileReader(BytesIO(data), strict=strict, decode_limits=decode_limits())
    decode_all(reader, source)
    return reader


def open_incremental(data: bytes, source: object) -> IncrementalPdfFileWriter:
    """A writer that appends a revision to ``data``, read under the same caps."""
    writer = IncrementalPdfFileWriter(BytesIO(data), strict=False, decode_limits=decode_limits())
    decode_all(writer.prev, source)
    return writer


def decode_all(reader: PdfFileReader, source: object) -> None:
    """Decode each stream of each revision once (cached by pyHanko for later reads)."""
    for revision in range(reader.xrefs.total_revisions):
        for ref in reader.xrefs.explicit_refs_in_revision(revision):
            try:
                obj = reader.get_object(ref, revision=revision)
                if isinstance(obj, generic.StreamObject) and _decodable(obj):
                    obj.data  # noqa: B018 - decoding is the point
            except PdfDecodeLimitError as exc:
                raise too_large(source) from exc
            except Exception:  # noqa: BLE001,S112 - a broken object: whoever reads it says so
                continue


def _decodable(stream: generic.StreamObject) -> bool:
    filters = stream.get("/Filter")
    if filters is None:
        return False
    names = list(filters) if isinstance(filters, generic.ArrayObject) else [filters]
    return all(str(name) in DECODED_FILTERS for name in names)


def too_large(source: object) -> TooLarge:
    """The one-line error for a PDF whose streams expand beyond the cap (exit 2)."""
    return TooLarge(tr("{path}: its compressed contents expand to more than {size} MB; a PIP"
                         " document is far smaller, so it is not read (a decompression bomb?)"
                         ).format(path=source, size=PDF_DECODED_BYTES >> 20))
