"""Seeded mutations of completed records, for tests/test_mutation.py.

A *record* is a completed signed PDF of one kind (CLI-signed plan, browser-signed with audit trail
and organisation seal, refreshed, lifecycle document) with the trust roots, policy and TSA that
made it. A *mutation* cuts the record back to the end of one of its revisions (every revision from
the first signature on), appends one incremental update that rewrites one object of a family
(page content, resources, annotations, AcroForm, the Names tree and attachments, the catalog, the
Info dict, XMP, or any other object), and then, as a forger would, optionally a document
timestamp from the record's own TSA, or a recomputed ``audit.json`` (the hash chain needs no key)
under such a timestamp. Verify must fail every one of them.

The *allowed* updates are the contrast: a new DSS/VRI revision, a document timestamp, an archive
refresh. Verify must pass those.

Everything is chosen by ``random.Random(seed)``, so a failure reproduces from the seed and the
mutation's number (``PIPDOCS_MUTATION_SEED``, ``PIPDOCS_MUTATION_ONLY``).
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import random
import re
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from io import BytesIO
from pathlib import Path
from typing import Any

from pyhanko.pdf_utils import embed, generic
from pyhanko.pdf_utils.generic import pdf_name
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import signers
from tamperkit import recomputed_audit_chain

from pipdocs.core.auditchain import AUDIT_ATTACHMENT

DEFAULT_SEED = 20261207


class NotApplicable(Exception):
    """This variant has nothing to act on in this revision (e.g. no XMP): another is drawn."""


@dataclass
class Record:
    """A completed record and what verifies it."""

    name: str
    data: bytes
    trust: list[Path]
    policy: Any
    timestamper: Any

    def verify(self, data: bytes, path: Path, allow_incomplete: bool) -> Any:
        """verify_pdf in process, as ``pipdocs verify`` calls it."""
        from pipdocs.verification.verify import verify_pdf

        path.write_bytes(data)
        return verify_pdf(path, self.trust, allow_incomplete, self.policy)


@dataclass(frozen=True)
class Cut:
    """The record as it stood after one revision (``number``, 0-based), and how it verifies."""

    record: Record
    number: int
    end: int
    complete: bool  # verified without allow_incomplete (every party signed)
    label: str
    attached: frozenset[str] = frozenset()  # the names of its attachments
    #: verifies only under a document timestamp (B-LTA policy: the last signature's revision
    #: before its archive timestamp): attacked only with a timestamp following
    needs_stamp: bool = False
    #: the genuine cut verifies (else its mutations are left out: nothing to contrast them with)
    attackable: bool = True

    @property
    def data(self) -> bytes:
        return self.record.data[: self.end]


def revision_ends(data: bytes) -> list[int]:
    """The byte offset after each revision's %%EOF (and its end of line)."""
    ends = []
    for found in re.finditer(rb"%%EOF(\r\n|\r|\n)?", data):
        ends.append(found.end())
    return ends


def passes(report: Any) -> bool:
    """Verify's acceptance, exit-equivalent: ok (exit 0) and no problem code."""
    return bool(report.ok) and not report.problems


def rejected(report: Any) -> bool:
    """Verify's refusal, exit-equivalent: not ok (exit 1) and a problem code that says why."""
    return not report.ok and bool(report.problems)


def stamped(cut: Cut) -> bytes:
    """The cut's bytes, under a document timestamp when it needs one to verify."""
    if not cut.needs_stamp:
        return cut.data
    return timestamped(writer(cut.data), cut.record.timestamper, next_archive_field(cut.data))


def cuts(record: Record, work: Path) -> list[Cut]:
    """A cut after every revision from the first signature on, each verified as it is
    (complete, or incomplete with allow_incomplete; or only under a document timestamp).
    Every revision is a cut, whether it verifies or not, so that the plan drawn from a seed
    does not depend on how a revocation fetch raced a timestamp."""
    reader = PdfFileReader(BytesIO(record.data), strict=False)
    total = reader.xrefs.total_revisions
    ends = revision_ends(record.data)
    assert len(ends) == total, f"{record.name}: {len(ends)} %%EOF for {total} revisions"
    first = min(emb.signed_revision for emb in reader.embedded_signatures)
    names = {emb.signed_revision: emb.field_name for emb in reader.embedded_signatures}
    found = []
    for number in range(first, total):
        label = f"{record.name}@rev{number}" + (f"({names[number]})" if number in names
                                                 else "(validation data)")
        data = record.data[: ends[number]]
        attached = frozenset(attachments(writer(data)))
        for needs_stamp in (False, True):
            cut = Cut(record, number, ends[number], False, label, attached, needs_stamp)
            genuine = stamped(cut)
            report = record.verify(genuine, work / "cut.pdf", False)
            complete = passes(report)
            if not complete:
                report = record.verify(genuine, work / "cut.pdf", True)
            if passes(report):
                found.append(dataclasses.replace(cut, complete=complete))
                break
        else:
            found.append(dataclasses.replace(
                cut, needs_stamp=False, attackable=False,
                label=f"{label}: {[p.code for p in report.problems]}"))
    return found


# --- writing ---------------------------------------------------------------------------------


def writer(data: bytes) -> IncrementalPdfFileWriter:
    return IncrementalPdfFileWriter(BytesIO(data), strict=False)


def written(w: IncrementalPdfFileWriter) -> bytes:
    out = BytesIO()
    w.write(out)
    return out.getvalue()


def replace(w: IncrementalPdfFileWriter, ref: Any, new: generic.PdfObject) -> None:
    """Rewrite the indirect object ``ref`` with ``new``: the same object number, new contents."""
    ref = ref.reference if isinstance(ref, generic.IndirectObject) else ref
    if ref.idnum == w.root_ref.idnum and isinstance(new, generic.DictionaryObject):
        # the writer writes its own catalog object last: change that one, or nothing changes
        w.root.clear()
        w.root.update(new)
        w.update_root()
        return
    w.objects[(ref.generation, ref.idnum)] = new


def touch(w: IncrementalPdfFileWriter, obj: generic.PdfObject) -> None:
    """The indirect object holding ``obj`` (changed in place) goes into the new revision."""
    if obj.container_ref is None:
        raise NotApplicable("not held by an indirect object")
    w.update_container(obj)


def stream(data: bytes, like: generic.StreamObject | None = None) -> generic.StreamObject:
    """A new stream of ``data`` (uncompressed), keeping ``like``'s other keys."""
    keys = {k: v for k, v in (like or {}).items()
            if k not in ("/Length", "/Filter", "/DecodeParms")}
    return generic.StreamObject(keys, stream_data=data)


def first_page(w: IncrementalPdfFileWriter) -> generic.DictionaryObject:
    page = w.root["/Pages"]["/Kids"][0]
    while "/Kids" in page:  # a page tree node
        page = page["/Kids"][0]
    return page


def attachments(w: IncrementalPdfFileWriter) -> dict[str, generic.DictionaryObject]:
    """name -> file specification (a flat /EmbeddedFiles name tree, as pipdocs writes it)."""
    try:
        names = w.root["/Names"]["/EmbeddedFiles"]["/Names"]
    except KeyError:
        return {}
    return {str(names[i]): names[i + 1] for i in range(0, len(names) - 1, 2)}


def dss_objects(w: IncrementalPdfFileWriter) -> set[int]:
    """Object numbers reachable from the DSS (validation data: an allowed kind of update)."""
    seen: set[int] = set()
    if "/DSS" not in w.root:
        return seen
    todo: list[Any] = [w.root.raw_get("/DSS")]
    while todo:
        item = todo.pop()
        if isinstance(item, generic.IndirectObject):
            if item.idnum in seen:
                continue
            seen.add(item.idnum)
            item = item.get_object()
        if isinstance(item, generic.DictionaryObject):
            todo.extend(item.raw_get(k) for k in item)
        elif isinstance(item, generic.ArrayObject):
            todo.extend(item.raw_get(i) for i in range(len(item)))
    return seen


# --- the mutations: each rewrites one object of its family in a new revision ---------------------

Mutator = Callable[[IncrementalPdfFileWriter, random.Random], str]
FORGED_TEXT = b"\nBT /F1 9 Tf 72 40 Td (Amended after signing) Tj ET\n"


def _flip(data: bytes, rng: random.Random) -> tuple[bytes, str]:
    """One character of a text string (literal or hex) changed, else forged text appended."""
    spots = [m for m in re.finditer(rb"\((?:[^()\\]|\\.)+\)|<[0-9A-Fa-f]{2,}>", data)]
    if not spots:
        return data + FORGED_TEXT, "forged text appended"
    spot = rng.choice(spots)
    at = rng.randrange(spot.start() + 1, spot.end() - 1)
    old = data[at:at + 1]
    new = (b"0123456789ABCDEF" if spot.group().startswith(b"<") else b"0123456789")
    choice = bytes([rng.choice([c for c in new if bytes([c]) != old])])
    return data[:at] + choice + data[at + 1:], f"string at {at} {old!r}->{choice!r}"


def _content_ref(w: IncrementalPdfFileWriter, rng: random.Random) -> Any:
    contents = first_page(w).raw_get("/Contents")
    if isinstance(contents, generic.IndirectObject) and \
            isinstance(contents.get_object(), generic.ArrayObject):
        contents = contents.get_object()
    if isinstance(contents, generic.ArrayObject):
        return contents.raw_get(rng.randrange(len(contents)))
    return contents


def content_text(w: IncrementalPdfFileWriter, rng: random.Random) -> str:
    ref = _content_ref(w, rng)
    old = ref.get_object()
    data, what = _flip(old.data, rng)
    replace(w, ref, stream(data, old))
    return f"page content stream {ref.idnum}: {what}"


def content_append(w: IncrementalPdfFileWriter, rng: random.Random) -> str:
    ref = _content_ref(w, rng)
    old = ref.get_object()
    replace(w, ref, stream(old.data + FORGED_TEXT, old))
    return f"page content stream {ref.idnum}: text appended"


def content_extra_stream(w: IncrementalPdfFileWriter, rng: random.Random) -> str:
    page = first_page(w)
    old = page.raw_get("/Contents")
    items = list(old.get_object()) if isinstance(old.get_object(), generic.ArrayObject) else [old]
    extra = w.add_object(stream(FORGED_TEXT))
    page["/Contents"] = generic.ArrayObject([*items, extra] if rng.random() < 0.5
                                            else [extra, *items])
    touch(w, page)
    return "page /Contents: a second content stream added"


def _font(name: str = "/Helvetica") -> generic.DictionaryObject:
    return generic.DictionaryObject({pdf_name("/Type"): pdf_name("/Font"),
                                     pdf_name("/Subtype"): pdf_name("/Type1"),
                                     pdf_name("/BaseFont"): pdf_name(name)})


def resources_font(w: IncrementalPdfFileWriter, rng: random.Random) -> str:
    fonts = first_page(w)["/Resources"]["/Font"]
    key = rng.choice(sorted(fonts))
    ref = fonts.raw_get(key)
    if not isinstance(ref, generic.IndirectObject):
        raise NotApplicable("direct font")
    replace(w, ref, _font("/Courier"))
    return f"font {key} (object {ref.idnum}) replaced by Courier"


def resources_entry(w: IncrementalPdfFileWriter, rng: random.Random) -> str:
    resources = first_page(w)["/Resources"]
    xobject = generic.StreamObject({
        pdf_name("/Type"): pdf_name("/XObject"), pdf_name("/Subtype"): pdf_name("/Form"),
        pdf_name("/BBox"): generic.ArrayObject(map(generic.NumberObject, (0, 0, 200, 50)))},
        stream_data=FORGED_TEXT)
    if rng.random() < 0.5:
        fonts = resources["/Font"]
        fonts[pdf_name("/FX")] = w.add_object(_font())
        touch(w, fonts)
        return "page resources: a font added"
    resources[pdf_name("/XObject")] = generic.DictionaryObject(
        {pdf_name("/Fm9"): w.add_object(xobject)})
    touch(w, resources)
    return "page resources: a form XObject added"


def resources_replace(w: IncrementalPdfFileWriter, rng: random.Random) -> str:
    page = first_page(w)
    page["/Resources"] = generic.DictionaryObject({pdf_name("/Font"): generic.DictionaryObject(
        {pdf_name("/F1"): w.add_object(_font())})})
    touch(w, page)
    return "page /Resources replaced"


def _annots(w: IncrementalPdfFileWriter) -> generic.ArrayObject:
    page = first_page(w)
    if "/Annots" not in page:
        page["/Annots"] = generic.ArrayObject()
    return page["/Annots"]  # type: ignore[no-any-return]


def annots_add(w: IncrementalPdfFileWriter, rng: random.Random) -> str:
    annots = _annots(w)
    kind = rng.choice(["/Text", "/FreeText", "/Link"])
    annot = generic.DictionaryObject({
        pdf_name("/Type"): pdf_name("/Annot"), pdf_name("/Subtype"): pdf_name(kind),
        pdf_name("/Rect"): generic.ArrayObject(map(generic.NumberObject, (72, 72, 300, 120))),
        pdf_name("/Contents"): generic.TextStringObject("Amended after signing"),
        pdf_name("/DA"): generic.TextStringObject("/Helv 12 Tf 0 g")})
    if kind == "/Link":
        annot[pdf_name("/A")] = generic.DictionaryObject({
            pdf_name("/S"): pdf_name("/URI"), pdf_name("/URI"): generic.TextStringObject(
                "https://example.com/amended")})
    annots.append(w.add_object(annot))
    touch(w, annots if annots.container_ref is not None else first_page(w))
    touch(w, first_page(w))
    return f"a {kind} annotation added to /Annots"


def annots_remove(w: IncrementalPdfFileWriter, rng: random.Random) -> str:
    annots = _annots(w)
    if not len(annots):
        raise NotApplicable("no annotations")
    index = rng.randrange(len(annots))
    name = annots[index].get("/T", "?")
    del annots[index]
    touch(w, annots)
    return f"annotation {index} ({name}) removed from /Annots"


def _widgets(w: IncrementalPdfFileWriter) -> list[generic.DictionaryObject]:
    return [a.get_object() for a in _annots(w) if a.get_object().get("/Subtype") == "/Widget"]


def widget_appearance(w: IncrementalPdfFileWriter, rng: random.Random) -> str:
    widgets = [x for x in _widgets(w) if "/AP" in x]
    if not widgets:
        raise NotApplicable("no widget with an appearance")
    widget = rng.choice(widgets)
    ap = widget["/AP"]
    ref = ap.raw_get("/N")
    bbox = generic.ArrayObject(map(generic.NumberObject, (0, 0, 200, 50)))
    new = generic.StreamObject({pdf_name("/Type"): pdf_name("/XObject"),
                                pdf_name("/Subtype"): pdf_name("/Form"), pdf_name("/BBox"): bbox,
                                pdf_name("/Resources"): generic.DictionaryObject()},
                               stream_data=b"0 0 1 rg 0 0 200 50 re f")
    if isinstance(ref, generic.IndirectObject):
        replace(w, ref, new)
        return f"widget {widget.get('/T')}: its /AP /N stream {ref.idnum} rewritten"
    ap[pdf_name("/N")] = w.add_object(new)
    touch(w, ap)
    return f"widget {widget.get('/T')}: a new /AP /N"


def widget_rect(w: IncrementalPdfFileWriter, rng: random.Random) -> str:
    widgets = _widgets(w)
    if not widgets:
        raise NotApplicable("no widget")
    widget = rng.choice(widgets)
    old = [float(v) for v in widget["/Rect"]]
    if old[2] - old[0] > 0 and old[3] - old[1] > 0:  # a visible one: hidden, or moved
        new = [0, 0, 0, 0] if rng.random() < 0.5 else [old[0] + 50, old[1], old[2] + 50, old[3]]
    else:  # an invisible one (a timestamp's): shown
        new = [72, 72, 300, 120]
    widget[pdf_name("/Rect")] = generic.ArrayObject(map(generic.FloatObject, new))
    touch(w, widget)
    return f"widget {widget.get('/T')}: /Rect {old} -> {new}"


def _acroform(w: IncrementalPdfFileWriter) -> generic.DictionaryObject:
    if "/AcroForm" not in w.root:
        raise NotApplicable("no AcroForm")
    return w.root["/AcroForm"]  # type: ignore[no-any-return]


def acroform_flag(w: IncrementalPdfFileWriter, rng: random.Random) -> str:
    form = _acroform(w)
    key, value = rng.choice([("/NeedAppearances", generic.BooleanObject(True)),
                             ("/DA", generic.TextStringObject("/Helv 0 Tf 1 0 0 rg")),
                             ("/SigFlags", generic.NumberObject(0))])
    if form.get(key) == value:
        raise NotApplicable(f"{key} is already {value}")
    form[pdf_name(key)] = value
    touch(w, form)
    return f"AcroForm {key} set"


def acroform_add_field(w: IncrementalPdfFileWriter, rng: random.Random) -> str:
    form = _acroform(w)
    page = first_page(w)
    field_ = w.add_object(generic.DictionaryObject({
        pdf_name("/FT"): pdf_name("/Tx"), pdf_name("/T"): generic.TextStringObject("note"),
        pdf_name("/V"): generic.TextStringObject("Amended after signing"),
        pdf_name("/Type"): pdf_name("/Annot"), pdf_name("/Subtype"): pdf_name("/Widget"),
        pdf_name("/Rect"): generic.ArrayObject(map(generic.NumberObject, (72, 72, 300, 100))),
        pdf_name("/P"): w.root["/Pages"]["/Kids"].raw_get(0)}))
    form["/Fields"].append(field_)
    touch(w, form["/Fields"])
    touch(w, form)
    if rng.random() < 0.5:
        _annots(w).append(field_)
        touch(w, page)
    return "AcroForm: a filled text field added"


def acroform_drop_field(w: IncrementalPdfFileWriter, rng: random.Random) -> str:
    fields = _acroform(w)["/Fields"]
    index = rng.randrange(len(fields))
    name = fields[index].get("/T")
    del fields[index]
    touch(w, fields)
    return f"AcroForm: field {name} removed from /Fields"


def _edit_json(data: bytes, rng: random.Random) -> tuple[bytes, str]:
    """One leaf of a JSON document changed (a string amended, a number moved)."""
    doc = json.loads(data.decode("utf-8"))
    leaves: list[tuple[Any, Any]] = []

    def walk(node: Any) -> None:
        items = node.items() if isinstance(node, dict) else enumerate(node) \
            if isinstance(node, list) else ()
        for key, value in items:
            if isinstance(value, (dict, list)):
                walk(value)
            elif isinstance(value, (str, int, float)) and not isinstance(value, bool):
                leaves.append((node, key))
    walk(doc)
    node, key = rng.choice(leaves)
    old = node[key]
    node[key] = old + " (amended)" if isinstance(old, str) else old + 1
    return json.dumps(doc, ensure_ascii=False).encode("utf-8"), f"{key!s}: {old!r:.40}"


def attachment(name: str) -> Mutator:
    """Rewrite the embedded file ``name`` in place (same object number, /Params fixed up)."""
    def mutate(w: IncrementalPdfFileWriter, rng: random.Random) -> str:
        spec = attachments(w).get(name)
        if spec is None:
            raise NotApplicable(f"no {name}")
        ef = spec["/EF"]
        ref = ef.raw_get("/F")
        old = ref.get_object()
        data, what = _edit_json(old.data, rng)
        new = stream(data, old)
        new[pdf_name("/Params")] = generic.DictionaryObject({
            pdf_name("/Size"): generic.NumberObject(len(data)),
            pdf_name("/CheckSum"): generic.ByteStringObject(hashlib.md5(data).digest())})
        if isinstance(ref, generic.IndirectObject):
            replace(w, ref, new)
            if "/UF" in ef and ef.raw_get("/UF") != ref:
                replace(w, ef.raw_get("/UF"), new)
        else:
            ef[pdf_name("/F")] = w.add_object(new)
            touch(w, ef)
        return f"{name} rewritten in place ({what})"
    mutate.__name__ = f"attachment_{name.split('.')[0]}"
    return mutate


def names_tree(w: IncrementalPdfFileWriter, rng: random.Random) -> str:
    files = attachments(w)
    how = rng.choice(["add", "drop", "javascript", "respec"])
    names_dict = w.root["/Names"] if "/Names" in w.root else None
    if names_dict is None:
        raise NotApplicable("no /Names")
    if how == "add":
        embed.embed_file(w, embed.FileSpec(
            file_spec_string="notes.json", file_name="notes.json",
            embedded_data=embed.EmbeddedFileObject.from_file_data(
                w, b'{"amended": true}', mime_type="application/json")))
        return "Names: an attachment notes.json added"
    if how == "drop" and files:
        array = names_dict["/EmbeddedFiles"]["/Names"]
        index = rng.randrange(len(array) // 2)
        name = array[2 * index]
        del array[2 * index: 2 * index + 2]
        touch(w, array)
        return f"Names: attachment {name} removed"
    if how == "respec" and files:
        name = rng.choice(sorted(files))
        spec = files[name]
        data, what = _edit_json(spec["/EF"]["/F"].data, rng)
        spec["/EF"] = generic.DictionaryObject({pdf_name("/F"): w.add_object(
            stream(data, spec["/EF"]["/F"]))})
        touch(w, spec)
        return f"Names: {name}'s file spec points to a new stream ({what})"
    js = w.add_object(generic.DictionaryObject({
        pdf_name("/S"): pdf_name("/JavaScript"),
        pdf_name("/JS"): generic.TextStringObject("app.alert('amended')")}))
    names_dict[pdf_name("/JavaScript")] = generic.DictionaryObject({pdf_name("/Names"):
        generic.ArrayObject([generic.TextStringObject("a"), js])})
    touch(w, names_dict)
    return "Names: a /JavaScript name tree added"


def catalog_entry(w: IncrementalPdfFileWriter, rng: random.Random) -> str:
    root = w.root
    choices: list[tuple[str, Any]] = [
        ("/Lang", generic.TextStringObject("fr")),
        ("/PageMode", pdf_name("/UseAttachments")),
        ("/OpenAction", generic.DictionaryObject({
            pdf_name("/S"): pdf_name("/JavaScript"),
            pdf_name("/JS"): generic.TextStringObject("app.alert('amended')")})),
        ("/ViewerPreferences", generic.DictionaryObject(
            {pdf_name("/DisplayDocTitle"): generic.BooleanObject(False)})),
        ("/URI", generic.DictionaryObject(
            {pdf_name("/Base"): generic.TextStringObject("https://example.com/")})),
        ("/Perms", None), ("/MarkInfo", None),
    ]
    key, value = rng.choice(choices)
    if value is not None and root.get(key) == value:
        raise NotApplicable(f"{key} is already {value}")
    if value is None:
        if key not in root:
            raise NotApplicable(f"no {key}")
        del root[key]
        w.update_root()
        return f"catalog {key} removed"
    root[pdf_name(key)] = value
    w.update_root()
    return f"catalog {key} set"


def page_tree(w: IncrementalPdfFileWriter, rng: random.Random) -> str:
    pages = w.root["/Pages"]
    page = generic.DictionaryObject({
        pdf_name("/Type"): pdf_name("/Page"), pdf_name("/Parent"): w.root.raw_get("/Pages"),
        pdf_name("/MediaBox"): generic.ArrayObject(map(generic.NumberObject, (0, 0, 595, 842))),
        pdf_name("/Contents"): w.add_object(stream(FORGED_TEXT)),
        pdf_name("/Resources"): generic.DictionaryObject({pdf_name("/Font"):
            generic.DictionaryObject({pdf_name("/F1"): w.add_object(_font())})})})
    ref = w.add_object(page)
    kids = pages["/Kids"]
    if rng.random() < 0.5:
        kids.append(ref)
        pages[pdf_name("/Count")] = generic.NumberObject(int(pages["/Count"]) + 1)
        what = "a page appended"
    else:
        old = kids.raw_get(0)
        kids[0] = ref
        page[pdf_name("/Annots")] = old.get_object().raw_get("/Annots") \
            if "/Annots" in old.get_object() else generic.ArrayObject()
        what = "the first page replaced"
    touch(w, kids)
    touch(w, pages)
    return f"page tree: {what}"


def info_dict(w: IncrementalPdfFileWriter, rng: random.Random) -> str:
    info = w.trailer.raw_get("/Info") if "/Info" in w.trailer else None
    key = rng.choice(["/Title", "/Author", "/Subject", "/Keywords", "/Producer"])
    if info is None or rng.random() < 0.25:
        w.set_info(w.add_object(generic.DictionaryObject(
            {pdf_name(key): generic.TextStringObject("Amended after signing")})))
        return f"a new Info dict ({key})"
    new = generic.DictionaryObject(info.get_object())
    new[pdf_name(key)] = generic.TextStringObject("Amended after signing")
    replace(w, info, new)
    return f"Info dict {info.idnum}: {key} rewritten"


def xmp(w: IncrementalPdfFileWriter, rng: random.Random) -> str:
    ref = w.root.raw_get("/Metadata") if "/Metadata" in w.root else None
    if ref is None:
        packet = (b'<?xpacket begin="" id="W5M0MpCehiHzreSzNTczkc9d"?><x:xmpmeta xmlns:x="adobe:'
                  b'ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
                  b'</rdf:RDF></x:xmpmeta><?xpacket end="w"?>')
        w.root[pdf_name("/Metadata")] = w.add_object(generic.StreamObject(
            {pdf_name("/Type"): pdf_name("/Metadata"), pdf_name("/Subtype"): pdf_name("/XML")},
            stream_data=packet))
        w.update_root()
        return "catalog: XMP metadata added"
    old = ref.get_object()
    data = old.data
    found = list(re.finditer(rb">([^<>]{2,})<", data))
    if found:
        spot = rng.choice(found)
        data = data[:spot.start(1)] + b"Amended " + data[spot.start(1):]
        what = f"text {spot.group(1)[:30]!r} amended"
    else:
        data = data.replace(b"</rdf:RDF>", b"<rdf:Description/></rdf:RDF>")
        what = "a description added"
    replace(w, ref, stream(data, old))
    return f"XMP stream {ref.idnum}: {what}"


def reachable(w: IncrementalPdfFileWriter) -> list[generic.Reference]:
    """The indirect objects the document uses (from the catalog and the Info dict), outside the
    DSS (validation data: an allowed kind of update), in object-number order."""
    skip = dss_objects(w)
    seen: dict[int, generic.Reference] = {}
    todo: list[Any] = [w.trailer.raw_get(k) for k in ("/Root", "/Info") if k in w.trailer]
    while todo:
        item = todo.pop()
        if isinstance(item, generic.IndirectObject):
            if item.idnum in seen or item.idnum in skip:
                continue
            seen[item.idnum] = item.reference
            item = item.get_object()
        if isinstance(item, generic.DictionaryObject):
            todo.extend(item.raw_get(k) for k in item if k != "/Parent")
        elif isinstance(item, generic.ArrayObject):
            todo.extend(item.raw_get(i) for i in range(len(item)))
    return [seen[n] for n in sorted(seen)]


def any_object(w: IncrementalPdfFileWriter, rng: random.Random) -> str:
    """Any indirect object the document uses (outside the DSS), its contents changed."""
    ref = rng.choice(reachable(w))
    obj = w.get_object(ref)
    if isinstance(obj, generic.StreamObject):
        replace(w, ref, stream(obj.data + b"\n% amended\n", obj))
        return f"object {ref.idnum} (stream {obj.get('/Type', obj.get('/Subtype'))}): " \
               "bytes appended"
    if isinstance(obj, generic.DictionaryObject):
        new = generic.DictionaryObject(obj)
        new[pdf_name("/Amended")] = generic.BooleanObject(True)
        replace(w, ref, new)
        return f"object {ref.idnum} (dict {obj.get('/Type', '')}): a key added"
    if isinstance(obj, generic.ArrayObject):
        replace(w, ref, generic.ArrayObject([*obj, generic.NullObject()]))
        return f"object {ref.idnum} (array): an entry added"
    raise NotApplicable(f"object {ref.idnum} is a {type(obj).__name__}")


FAMILIES: dict[str, list[Mutator]] = {
    "page_content": [content_text, content_append, content_extra_stream],
    "page_resources": [resources_font, resources_entry, resources_replace],
    "annotations": [annots_add, annots_remove, widget_appearance, widget_rect],
    "acroform": [acroform_flag, acroform_add_field, acroform_drop_field],
    "attachment_plan": [attachment("plan.json")],
    "attachment_document": [attachment("document.json")],
    "attachment_audit": [attachment("audit.json")],
    "attachment_signing": [attachment("signing.json")],
    "names_tree": [names_tree],
    "catalog": [catalog_entry, page_tree],
    "info": [info_dict],
    "xmp": [xmp],
    "any_object": [any_object],
}


# --- what follows the mutation: nothing, a document timestamp, a forged audit trail ------------

FOLLOW_UPS = ("none", "timestamp", "audit")


def signed_end(data: bytes) -> int:
    """The end of the signature (or timestamp) that ends last in ``data``."""
    reader = PdfFileReader(BytesIO(data), strict=False)
    return max(int(e.byte_range[2]) + int(e.byte_range[3]) for e in reader.embedded_signatures)


def next_archive_field(data: bytes) -> str:
    """The name ``archive refresh`` would give the next archive timestamp."""
    reader = PdfFileReader(BytesIO(data), strict=False)
    taken = {e.field_name for e in reader.embedded_signatures}
    return next(f"archive_ts_{n}" for n in range(1, 100) if f"archive_ts_{n}" not in taken)


def timestamped(w: IncrementalPdfFileWriter, timestamper: Any, name: str) -> bytes:
    """A document timestamp (RFC 3161, /DocTimeStamp) over ``w``'s revision."""
    out = signers.PdfTimeStamper(timestamper, field_name=name).timestamp_pdf(
        w, "sha256", output=BytesIO())
    return bytes(out.getvalue())


def follow(data: bytes, how: str, cut: Cut) -> bytes:
    """``data`` (the mutated cut) followed as ``how`` says."""
    record = cut.record
    if how == "none":
        return data
    if how == "timestamp":
        return timestamped(writer(data), record.timestamper, next_archive_field(data))
    assert how == "audit"
    trail = recomputed_audit_chain(data[: signed_end(cut.data)])
    w = writer(data)
    embed.embed_file(w, embed.FileSpec(
        file_spec_string=AUDIT_ATTACHMENT, file_name=AUDIT_ATTACHMENT,
        embedded_data=embed.EmbeddedFileObject.from_file_data(
            w, trail, mime_type="application/json"),
        description="audit trail"))
    return timestamped(w, record.timestamper, "audit_ts")


# --- the plan of a run ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Mutation:
    number: int
    cut: Cut
    family: str
    follow_up: str
    draw: int  # the seed of this mutation's own choices

    def build(self) -> tuple[bytes, str]:
        """The mutated bytes and what was done (NotApplicable: nothing to act on)."""
        rng = random.Random(self.draw)
        w = writer(self.cut.data)
        mutator = rng.choice(FAMILIES[self.family])
        what = mutator(w, rng)
        data = follow(written(w), self.follow_up, self.cut)
        return data, f"{mutator.__name__}: {what}"

    @property
    def kind(self) -> str:
        """The class of the mutation: family and follow-up."""
        return f"{self.family}+{self.follow_up}"

    def title(self) -> str:
        return f"#{self.number} {self.cut.label} {self.family} +{self.follow_up}"


def plan(cuts_: Sequence[Cut], seed: int, count: int) -> list[Mutation]:
    """``count`` mutations: every (record, family, follow-up) at least once and every cut at
    least once, then drawn at random; the same seed gives the same list."""
    rng = random.Random(seed)
    records = sorted({c.record.name for c in cuts_})
    combos = [(r, f, h) for r in records for f in FAMILIES for h in FOLLOW_UPS]
    rng.shuffle(combos)
    out: list[Mutation] = []

    def add(fits: list[Cut], family: str, how: str) -> None:
        if fits and len(out) < count:
            out.append(Mutation(len(out), rng.choice(fits), family, how, rng.randrange(2**32)))

    for name, family, how in combos:
        add([c for c in cuts_ if c.record.name == name and applies(family, c)], family, how)
    for cut in cuts_:
        if not any(m.cut == cut for m in out):
            family, how = rng.choice(list(FAMILIES)), rng.choice(FOLLOW_UPS[1:])
            add([cut] if applies(family, cut) else [], family, how)
    while len(out) < count:
        name, family, how = (rng.choice(records), rng.choice(list(FAMILIES)),
                             rng.choice(FOLLOW_UPS))
        add([c for c in cuts_ if c.record.name == name and applies(family, c)], family, how)
    return out


def applies(family: str, cut: Cut) -> bool:
    """An attachment family only where that file is attached (the file's structure: the same
    for every build of the record)."""
    prefix = "attachment_"
    return not family.startswith(prefix) or f"{family[len(prefix):]}.json" in cut.attached


def skipped(mutation: Mutation) -> bool:
    """Left out: the genuine cut does not verify, or verifies only under a timestamp and none
    follows (both depend on this build of the record, not on the seed)."""
    cut = mutation.cut
    return not cut.attackable or (cut.needs_stamp and mutation.follow_up == "none")


@dataclass
class Outcome:
    """One mutation's verdict: ``passed`` is the failure of the test (verify accepted it)."""

    mutation: Mutation
    what: str
    passed: bool
    codes: list[str] = field(default_factory=list)


def run(mutations: Sequence[Mutation], work: Path) -> Iterator[Outcome]:
    """Build and verify each mutation; a mutation with nothing to act on draws another variant
    (up to 10 times), else it is left out (not counted), as are the skipped ones."""
    for mutation in mutations:
        if skipped(mutation):
            continue
        for attempt in range(10):
            current = mutation if attempt == 0 else Mutation(
                mutation.number, mutation.cut, mutation.family, mutation.follow_up,
                mutation.draw + attempt)
            try:
                data, what = current.build()
            except NotApplicable:
                continue
            began = time.monotonic()
            outcome = judge(current, what, data, work)
            if os.environ.get("PIPDOCS_MUTATION_TRACE"):
                print(f"{current.title()} {what} {outcome.passed} {outcome.codes}"
                      f" {time.monotonic() - began:.2f}s", file=sys.stderr, flush=True)
            yield outcome
            break


def judge(mutation: Mutation, what: str, data: bytes, work: Path) -> Outcome:
    """Verify the mutated bytes: a file verify refuses to read (exit 2) fails, as it should."""
    from pipdocs.core.errors import InputError

    try:
        report = mutation.cut.record.verify(data, work / "mutated.pdf", not mutation.cut.complete)
    except InputError as exc:
        return Outcome(mutation, what, False, [f"input_error: {exc}"])
    return Outcome(mutation, what, not rejected(report), [p.code for p in report.problems])


# --- the allowed updates (the contrast) -----------------------------------------------------------


ALLOWED = ("dss", "dss+vri", "dss+timestamp", "dss+vri+timestamp", "timestamp", "refresh")


def allowed_plan(cuts_: Sequence[Cut], seed: int) -> list[tuple[Cut, str]]:
    """Each allowed kind on a drawn cut of each record (``refresh`` on complete ones), and each
    cut under a drawn kind at least once."""
    rng = random.Random(seed)
    chosen: list[tuple[Cut, str]] = []
    for name in sorted({c.record.name for c in cuts_}):
        for kind in ALLOWED:
            fits = [c for c in cuts_ if c.record.name == name and c.attackable
                    and (c.complete or kind != "refresh")]
            if fits:
                chosen.append((rng.choice(fits), kind))
    for cut in cuts_:
        if cut.attackable and not any(c == cut for c, _ in chosen):
            chosen.append((cut, rng.choice(ALLOWED[:-1])))
    return chosen


def allowed_update(cut: Cut, kind: str, work: Path) -> bytes:
    """The cut followed by an update any revision may be followed by: validation data (a DSS
    revision with the CRLs fetched now, with or without a VRI entry for the last signature;
    under a document timestamp or not), a document timestamp, or ``archive refresh`` itself."""
    from pyhanko.sign.validation.dss import DocumentSecurityStore

    from pipdocs.archive.refresh import refresh_pdf

    data = stamped(cut)
    if kind.startswith("dss"):
        sigs = PdfFileReader(BytesIO(data), strict=False).embedded_signatures
        certs = [c.chosen for e in sigs for c in e.signed_data["certificates"] or []
                 if c.name == "certificate"]
        last = sigs[-1].byte_range
        contents = data[int(last[1]) + 1: int(last[2]) - 1]  # the hex of /Contents, padded
        w = writer(data)
        DocumentSecurityStore.supply_dss_in_writer(
            w, contents if "vri" in kind else None, certs=certs, crls=fresh_crls(certs))
        data = written(w)
    if kind.endswith("timestamp"):
        data = timestamped(writer(data), cut.record.timestamper, next_archive_field(data))
    if kind == "refresh":
        path = work / "refresh.pdf"
        path.write_bytes(data)
        refresh_pdf(path, timestamper=cut.record.timestamper, policy=cut.record.policy,
                    trust=cut.record.trust)
        data = path.read_bytes()
    return data


def fresh_crls(certs: Sequence[Any]) -> list[Any]:
    """The CRLs the certificates name, fetched now (from the fixture CA's server)."""
    import urllib.request

    from asn1crypto import crl

    urls = {point.url for cert in certs for point in cert.crl_distribution_points
            if point.url}
    found = []
    for url in sorted(urls):
        try:
            with urllib.request.urlopen(url, timeout=10) as answer:  # noqa: S310 - loopback
                found.append(crl.CertificateList.load(answer.read()))
        except OSError:
            continue
    return found
