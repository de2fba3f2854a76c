"""What a revision may change: every revision after the first signature, judged by its kind.

A signed PDF grows by incremental revisions. Each one after the first signature is compared
with the revision before it by pyHanko's difference analysis, which compares object *contents*
and must explain every object the revision writes (an object rewritten in place under its old
number is a change like any other). What explains a change depends on the revision's kind:

- ``signature``: its own signature field, widget and appearance, the field list, the DSS;
- ``timestamp`` (a document timestamp, PAdES B-LTA): its own field, and the DSS;
- ``validation_data``: the DSS and its VRI, nothing else;
- ``audit_trail`` (``pipdocs serve``'s sealed audit.json): what a timestamp or a signature may
  change, plus audit.json, its file specification and its entry in the EmbeddedFiles name
  tree. It must follow the signed document directly (the last signature, or that signature's
  archive timestamp), and carry the organisation's seal when the CA or the policy has one.
  Its file specification names it audit.json and nothing else (a second "plan.json" in a
  viewer's attachment list is a forgery).

A revision no person signs (a timestamp, the audit trail, validation data) shows nothing: the
field it adds is invisible (no area on any page), or an appearance of its own could paint over
the signed page (a shadow attack).

The Info dictionary may change only its ``/ModDate`` and ``/Producer``; the XMP metadata, which
pyHanko's writers rewrite (dates, producer, sometimes dropping the rest), may lose statements
but gain or change none other than those. Anything else fails with ``revision_modified``, which
names the revision and the objects.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any, Literal

from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.reader import HistoricalResolver, PdfFileReader
from pyhanko.sign import diff_analysis as da
from pyhanko.sign.diff_analysis.commons import compare_dicts, safe_whitelist
from pyhanko.sign.diff_analysis.rules.form_field_rules import is_field_visible

from pipdocs.core.attachments import name_tree_items
from pipdocs.core.auditchain import AUDIT_ATTACHMENT, AUDIT_SEAL_FIELD

Kind = Literal["signature", "timestamp", "validation_data", "audit_trail"]
_LTA = da.ModificationLevel.LTA_UPDATES
_CATALOG_FREE = frozenset({"/AcroForm", "/DSS", "/Extensions", "/MarkInfo", "/Metadata",
                           "/Version"})
_INFO_FREE = frozenset({"/ModDate", "/Producer"})  # /Producer: only as pyHanko writes it
_XMP_FREE = frozenset({"{http://ns.adobe.com/xap/1.0/}ModifyDate",
                       "{http://ns.adobe.com/xap/1.0/}MetadataDate",
                       "{http://ns.adobe.com/pdf/1.3/}Producer", "{adobe:ns:meta/}xmptk"})
_OBJECT_RE = re.compile(r"idnum=(\d+)")


@dataclass(frozen=True)
class Revision:
    """One revision after the first signature: its number, its kind, and the field it fills."""

    number: int
    kind: Kind
    field: str | None = None


@dataclass(frozen=True)
class Change:
    """A change a revision may not make, in English and Chinese."""

    revision: int
    kind: Kind
    en: str
    zh: str


class InfoRule(da.WhitelistRule):
    """The Info dictionary: every pyHanko writer updates /ModDate and /Producer, nothing else
    may change (pyHanko's own DocInfoRule allows any change)."""

    def apply(self, old: HistoricalResolver, new: HistoricalResolver) -> Iterable[Any]:
        new_ref = new.trailer_view.get_value_as_reference("/Info", optional=True)
        if new_ref is None:
            return
        old_ref = old.trailer_view.get_value_as_reference("/Info", optional=True)
        if old_ref is not None:  # each as of its own revision (a trailer's references
            compare_dicts(old(old_ref), new(new_ref), _INFO_FREE)  # resolve to the latest)
            _producer(old(old_ref).get("/Producer"), new(new_ref).get("/Producer"))
        elif set(new(new_ref).keys()) - _INFO_FREE:
            raise da.SuspiciousModification("a new Info dictionary with more than dates")
        else:
            _producer(None, new(new_ref).get("/Producer"))
        for ref in safe_whitelist(old, old_ref, new_ref):
            yield da.ReferenceUpdate(ref)


def _producer(old: Any, new: Any) -> None:
    """/Producer as pyHanko's writers change it (pdf_utils.metadata.info.update_info_dict):
    unchanged, or "<old>; pyHanko <version>" appended once, or "pyHanko <version>" where there
    was none. Any other text is a rewrite no writer of a signature or timestamp makes."""
    if new == old:
        return
    tail = str(new) if old is None else str(new).removeprefix(f"{old}; ")
    if new is None or tail == str(new) and old is not None or not tail.startswith("pyHanko"):
        raise da.SuspiciousModification("the Info dictionary's /Producer rewritten")


class XmpRule(da.WhitelistRule):
    """The XMP metadata: pyHanko's writers update its dates and producer and may drop the rest;
    a statement that was not there before is a change (pyHanko's own rule checks only that it
    is well-formed XML)."""

    def apply(self, old: HistoricalResolver, new: HistoricalResolver) -> Iterable[Any]:
        new_ref = _metadata_ref(new)
        if new_ref is None:
            return
        old_ref = _metadata_ref(old)
        before = xmp_statements(old(old_ref)) if old_ref is not None else set()
        added = xmp_statements(new(new_ref)) - before
        if added:
            raise da.SuspiciousModification(
                "the XMP metadata gains " + ", ".join(sorted(str(a[1]) for a in added))[:120])
        if new_ref == old_ref or old.is_ref_unassignable(new_ref):
            yield da.ReferenceUpdate(new_ref)


def _metadata_ref(resolver: HistoricalResolver) -> Any:
    raw = resolver.root.raw_get("/Metadata") if "/Metadata" in resolver.root else None
    if raw is None:
        return None
    if not isinstance(raw, generic.IndirectObject):
        raise da.SuspiciousModification("/Metadata should be an indirect reference")
    return raw.reference


def xmp_statements(stream: Any) -> set[tuple[str, str, str]]:
    """What an XMP packet states, as (element path, attribute or "text", value), without the
    dates and producer every writer updates; SuspiciousModification when it is no XMP."""
    from lxml import etree

    if not isinstance(stream, generic.StreamObject):
        raise da.SuspiciousModification("/Metadata should be a stream")
    try:
        parser = etree.XMLParser(resolve_entities=False, no_network=True)
        root = etree.fromstring(stream.data, parser=parser)
    except Exception as exc:  # noqa: BLE001 - not XML at all
        raise da.SuspiciousModification(f"the XMP metadata is not XML ({exc})") from exc
    if root.tag != "{adobe:ns:meta/}xmpmeta" or any(True for _ in root.iter(etree.Entity)):
        raise da.SuspiciousModification("the XMP metadata does not look like XMP")
    found: set[tuple[str, str, str]] = set()
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue  # comments, processing instructions
        path = "/".join(e.tag for e in reversed([element, *element.iterancestors()])
                        if isinstance(e.tag, str))
        for name, value in element.attrib.items():
            if name not in _XMP_FREE:
                found.add((path, name, value))
        if element.text and element.text.strip() and element.tag not in _XMP_FREE:
            found.add((path, "text", element.text.strip()))
    return found


class AuditTrailRule(da.WhitelistRule):
    """audit.json joins the EmbeddedFiles name tree (a flat one, as pipdocs writes it); every
    other entry of the tree, and of the catalog's Names dictionary, stays as it was."""

    def apply(self, old: HistoricalResolver, new: HistoricalResolver) -> Iterable[Any]:
        old_names, new_names = _names(old.root), _names(new.root)
        if new_names is None:
            raise da.SuspiciousModification("the audit revision has no Names dictionary")
        if old_names is not None:
            compare_dicts(old_names, new_names, frozenset({"/EmbeddedFiles"}))
        old_tree, new_tree = _get(old_names, "/EmbeddedFiles"), _get(new_names, "/EmbeddedFiles")
        if old_tree is not None:
            compare_dicts(old_tree, new_tree, frozenset({"/Names"}))
        old_items = _flat(old_tree)
        new_items = _flat(new_tree)
        if new_items[: len(old_items)] != old_items or len(new_items) != len(old_items) + 2 \
                or str(new_items[-2]) != AUDIT_ATTACHMENT:
            raise da.SuspiciousModification("the audit revision changes other attachments")
        spec = new_items[-1]
        if not isinstance(spec, generic.IndirectObject) or \
                not old.is_ref_unassignable(spec.reference):
            raise da.SuspiciousModification("audit.json reuses an existing object")
        _named_audit(spec.get_object())
        yield from _existing(old, (old.root, new.root, "/Names"),
                             (old_names, new_names, "/EmbeddedFiles"),
                             (old_tree, new_tree, "/Names"))
        yield from (da.ReferenceUpdate(ref) for ref in _new_refs(old, spec.get_object()))
        yield da.ReferenceUpdate(spec.reference)


def _named_audit(spec: Any) -> None:
    """audit.json's file specification and its embedded files call it audit.json, nothing else
    (a viewer lists an attachment by its /UF or /F name, not by its key in the tree)."""
    if not isinstance(spec, generic.DictionaryObject):
        raise da.SuspiciousModification("audit.json's file specification is not a dictionary")
    ef = spec.get("/EF", generic.DictionaryObject())
    names = [spec[k] for k in ("/UF", "/F") if k in spec]
    if not isinstance(ef, generic.DictionaryObject) or set(ef.keys()) - {"/F", "/UF"} or \
            any(str(n) != AUDIT_ATTACHMENT for n in names):
        shown = ", ".join(sorted({str(n) for n in names} - {AUDIT_ATTACHMENT}))[:80]
        raise da.SuspiciousModification(
            f"audit.json's file specification names it {shown or 'otherwise'}")


def _names(root: Any) -> Any:
    return _get(root, "/Names")


def _get(obj: Any, key: str) -> Any:
    return obj[key] if isinstance(obj, generic.DictionaryObject) and key in obj else None


def _flat(tree: Any) -> list[Any]:
    """The raw /Names array of a flat name tree (no /Kids: pipdocs never writes one)."""
    if tree is None:
        return []
    if "/Kids" in tree:
        raise da.SuspiciousModification("the EmbeddedFiles name tree is not flat")
    array = tree["/Names"] if "/Names" in tree else generic.ArrayObject()
    return [array.raw_get(i) for i in range(len(array))]  # raw entries, refs unresolved


def _existing(old: HistoricalResolver, *steps: tuple[Any, Any, str]) -> Iterator[Any]:
    """The indirect objects along root -> /Names -> /EmbeddedFiles -> /Names (their contents
    compared above): each the same object as before, or a new one."""
    for old_parent, new_parent, key in steps:
        raw = new_parent.raw_get(key) if key in new_parent else None
        if not isinstance(raw, generic.IndirectObject):
            continue
        was = old_parent.raw_get(key) if old_parent is not None and key in old_parent else None
        if not old.is_ref_unassignable(raw.reference) and (
                not isinstance(was, generic.IndirectObject) or was.reference != raw.reference):
            raise da.SuspiciousModification(f"{key} reuses another object")
        yield da.ReferenceUpdate(raw.reference)


def _new_refs(old: HistoricalResolver, obj: Any, depth: int = 0) -> Iterator[Any]:
    """The objects new in this revision that ``obj`` refers to (the file spec's stream)."""
    if depth > 4:
        raise da.SuspiciousModification("audit.json's file specification is too deep")
    values = obj.values() if isinstance(obj, generic.DictionaryObject) else \
        obj if isinstance(obj, generic.ArrayObject) else []
    for value in values:
        if isinstance(value, generic.IndirectObject):
            if old.is_ref_unassignable(value.reference):
                yield value.reference
                yield from _new_refs(old, value.get_object(), depth + 1)
        else:
            yield from _new_refs(old, value, depth + 1)


def _policy(kind: Kind) -> da.StandardDiffPolicy:
    """The rules for one kind of revision."""
    free = _CATALOG_FREE | ({"/Names"} if kind == "audit_trail" else set())
    if kind == "validation_data":  # no form rule looks at the form: it stays as it was (a
        free = free - {"/AcroForm"}  # direct /AcroForm would otherwise change unchecked)
    rules: list[Any] = [
        da.CatalogModificationRule(ignored_keys=frozenset(free)),
        InfoRule().as_qualified(_LTA),
        da.XrefStreamRule().as_qualified(_LTA),
        da.ObjectStreamRule().as_qualified(_LTA),
        da.DSSCompareRule().as_qualified(_LTA),
        XmpRule().as_qualified(_LTA),
    ]
    if kind == "audit_trail":
        rules.append(AuditTrailRule().as_qualified(_LTA))
    form = None if kind == "validation_data" else da.FormUpdatingRule(
        field_rules=[da.SigFieldCreationRule(), da.SigFieldModificationRule()],
        ignored_acroform_keys=frozenset({"/Fields"}))  # not /DR, /DA, /Q, /NeedAppearances
    return da.StandardDiffPolicy(global_rules=rules, form_rule=form)


def revisions_after_first_signature(reader: PdfFileReader) -> list[Revision]:
    """Each revision after the first signature, with its kind (from the signature it adds)."""
    sigs = reader.embedded_signatures
    if not sigs:
        return []
    by_revision: dict[int, list[Any]] = {}
    for sig in sigs:
        by_revision.setdefault(sig.signed_revision, []).append(sig)
    first = min(by_revision)
    out: list[Revision] = []
    for number in range(first + 1, reader.xrefs.total_revisions):
        added = by_revision.get(number, [])
        if not added:
            out.append(Revision(number, "validation_data"))
            continue
        sig = added[0]
        name = str(sig.field_name)
        stamp = sig.sig_object.get("/Type") == "/DocTimeStamp"
        kind: Kind = "audit_trail" if name == AUDIT_SEAL_FIELD or (
            stamp and _adds_audit(reader, number)) else "timestamp" if stamp else "signature"
        out.append(Revision(number, kind, ",".join(str(s.field_name) for s in added)))
    return out


def _adds_audit(reader: PdfFileReader, number: int) -> bool:
    def has(revision: int) -> bool:
        tree = _get(_names(reader.get_historical_resolver(revision).root), "/EmbeddedFiles")
        return tree is not None and any(k == AUDIT_ATTACHMENT for k, _ in name_tree_items(tree))
    return has(number) and not has(number - 1)


def revision_changes(reader: PdfFileReader, seal_needed: bool = False) -> list[Change]:
    """Every change a revision after the first signature may not make (empty: none)."""
    revisions = revisions_after_first_signature(reader)
    changes: list[Change] = []
    for at, rev in enumerate(revisions):
        previous = revisions[at - 1].kind if at else "signature"
        changes += _placement(rev, previous, seal_needed, revisions[:at])
        try:
            result = _policy(rev.kind).apply(reader.get_historical_resolver(rev.number - 1),
                                             reader.get_historical_resolver(rev.number))
        except da.SuspiciousModification as exc:
            changes.append(_explained(reader, rev, str(exc)))
            continue
        except Exception as exc:  # noqa: BLE001 - a revision we cannot analyse fails
            changes.append(Change(rev.number, rev.kind, f"cannot be analysed ({exc})"[:200],
                                  f"无法分析（{exc}）"[:200]))
            continue
        stray = sorted(set(result.changed_form_fields) - set((rev.field or "").split(",")))
        if stray:
            changes.append(Change(rev.number, rev.kind, "fills " + ", ".join(stray),
                                  "填写了 " + "、".join(stray)))
        shown = _visible(reader, rev) if rev.kind != "signature" else []
        if shown:
            changes.append(Change(
                rev.number, rev.kind, f"adds a field that shows on the page ({', '.join(shown)});"
                " a timestamp, seal or audit trail shows nothing",
                f"加入了在页面上可见的字段（{'、'.join(shown)}）；时间戳、印章或审计记录不应在页面上显示任何内容"))
    return changes


def _visible(reader: PdfFileReader, rev: Revision) -> list[str]:
    """The fields a revision no person signs adds or fills (a top-level field, or the field a
    filled one hangs under) that have an area on a page: their appearance could paint over the
    signed content."""
    before = reader.get_historical_resolver(rev.number - 1)
    form = _get(reader.get_historical_resolver(rev.number).root, "/AcroForm")
    fields = form.raw_get("/Fields").get_object() if form is not None and "/Fields" in form \
        else generic.ArrayObject()
    named = {n.split(".")[0] for n in (rev.field or "").split(",") if n}
    shown = []
    for ref in fields:
        field = ref.get_object()
        if not isinstance(field, generic.DictionaryObject):
            continue
        new = isinstance(ref, generic.IndirectObject) and \
            before.is_ref_unassignable(ref.reference)
        if (new or str(field.get("/T")) in named) and is_field_visible(field):
            shown.append(str(field.get("/T", "?")))
    return shown


def _placement(rev: Revision, previous: str, seal_needed: bool,
               before: list[Revision]) -> list[Change]:
    """Where a revision may stand: one signature per revision, and the audit trail once,
    directly after the signed document, under the organisation's seal when there is one."""
    if rev.field and "," in rev.field:
        return [Change(rev.number, rev.kind, f"adds more than one signature ({rev.field})",
                       f"加入了多个签名（{rev.field}）")]
    if rev.kind != "audit_trail":
        return []
    if any(r.kind == "audit_trail" for r in before) or previous not in ("signature", "timestamp"):
        return [Change(rev.number, rev.kind, "adds audit.json, but not directly after the"
                       " signed document", "加入了 audit.json，但不是紧接在已签署的文件之后")]
    if seal_needed and rev.field != AUDIT_SEAL_FIELD:
        return [Change(rev.number, rev.kind, "adds audit.json under a bare document timestamp,"
                       " where the organisation has a seal", "在机构拥有印章的情况下，仅以文档"
                       "时间戳加入了 audit.json")]
    return []


def _explained(reader: PdfFileReader, rev: Revision, text: str) -> Change:
    """pyHanko's finding, with the objects it names described by what they are."""
    numbers = sorted({int(n) for n in _OBJECT_RE.findall(text)})[:6]
    if not numbers:
        first = text.splitlines()[0][:160] if text else "an unexplained change"
        return Change(rev.number, rev.kind, first, f"无法解释的改动（{first}）")
    new = reader.get_historical_resolver(rev.number)
    parts = [(f"object {n} ({_what(new, n)[0]})", f"对象 {n}（{_what(new, n)[1]}）")
             for n in numbers]
    return Change(rev.number, rev.kind, "changes " + ", ".join(p[0] for p in parts),
                  "修改了" + "、".join(p[1] for p in parts))


def _what(resolver: HistoricalResolver, number: int) -> tuple[str, str]:
    """What an object is, in a word (English, Chinese)."""
    try:
        ref = next(r for r in resolver.explicit_refs_in_revision() if r.idnum == number)
        obj = resolver(ref)
    except Exception:  # noqa: BLE001 - a description only
        return "unknown", "未知"
    kind = str(obj.get("/Type", "")) if isinstance(obj, generic.DictionaryObject) else ""
    words = {"/Catalog": ("the catalog", "文档目录"), "/Page": ("a page", "页面"),
             "/Pages": ("the page tree", "页面树"), "/Filespec": ("an attachment", "附件"),
             "/EmbeddedFile": ("an attachment's data", "附件内容"),
             "/Annot": ("an annotation", "注释"), "/Metadata": ("the XMP metadata", "XMP 元数据"),
             "/Sig": ("a signature", "签名"), "/XObject": ("a form or image", "表单或图像")}
    if kind in words:
        return words[kind]
    if isinstance(obj, generic.StreamObject):
        return "a stream (page content or data)", "数据流（页面内容或数据）"
    return "a " + type(obj).__name__.replace("Object", "").lower(), "对象"
