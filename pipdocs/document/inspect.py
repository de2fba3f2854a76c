"""What a pipdocs document may contain, checked the same way by ``sign`` (before signing) and
``verify``: only pipdocs's own prepared revision before the first signature, no active or
unexpected content in any revision, and a page that names the same people as plan.json.

The verdict rests on plan.json, so plan.json must be what the signers saw. Each check returns
findings (a stable code plus English and Chinese detail); callers decide how to refuse or report.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from pipdocs.core.plan import ROLES, Plan

#: Names of the action types a PDF may carry; only /GoTo (a jump inside the document) is inert.
INERT_ACTIONS = {"/GoTo"}
#: Dictionary keys that make a document run something or change on its own.
ACTIVE_KEYS = {
    "/JS": ("JavaScript", "JavaScript 脚本"),
    "/JavaScript": ("JavaScript", "JavaScript 脚本"),
    "/AA": ("additional actions (/AA)", "附加动作（/AA）"),
    "/XFA": ("an XFA form", "XFA 表单"),
    "/Launch": ("a Launch action", "启动程序动作（Launch）"),
}
ROLE_WORDS = {"employee": ("employee", "员工"), "manager": ("manager", "直接上级"),
              "hr": ("HR", "人力资源")}
#: Caps that keep a hostile file from making the scan itself the attack.
MAX_OBJECTS, MAX_DEPTH = 200_000, 48


@dataclass(frozen=True)
class Finding:
    """One reason a document is not a genuine pipdocs document."""

    code: str  # changed_before_signing | active_content | party_mismatch | changed_after_last
    en: str
    zh: str


def signature_revisions(reader: Any) -> list[int]:
    """The revision (0-based) each filled signature field's value was written in, ascending."""
    from pyhanko.sign.fields import enumerate_sig_fields

    found = []
    for _name, value, _ref in enumerate_sig_fields(reader, filled_status=True):
        reference = getattr(value, "reference", None)
        if reference is not None:
            found.append(reader.xrefs.get_last_change(reference))
    return sorted(found)


def revision_findings(reader: Any, signed: list[int], for_signing: bool) -> list[Finding]:
    """Revision 0 is the prepared document; each signature adds exactly one revision.

    ``for_signing``: also refuse an unsigned revision after the last signature (``verify``
    reports that one against the last signature itself).
    """
    total = reader.xrefs.total_revisions
    first = signed[0] if signed else total
    out = []
    if first > 1:
        out.append(Finding(
            "changed_before_signing",
            f"{first - 1} revision(s) were added to the prepared document before the first"
            " signature",
            f"第一个签名之前，准备好的文档被追加了 {first - 1} 个修订版本"))
    if for_signing and signed and total - 1 > signed[-1]:
        out.append(Finding(  # verify's changed_after_last, judged by the last signature
            "changed_after_last", f"{total - 1 - signed[-1]} unsigned revision(s) added",
            f"追加了 {total - 1 - signed[-1]} 个未签名的修订版本"))
    return out


def revision_bytes(data: bytes, reader: Any, revision: int) -> bytes:
    """The file as it stood at the end of ``revision`` (a complete PDF of its own)."""
    start = reader.xrefs.get_startxref_for_revision(revision)
    end = data.find(b"%%EOF", start)
    if end < 0:
        raise ValueError(f"revision {revision} has no end-of-file marker")
    return data[: end + len(b"%%EOF")]


def party_findings(prepared: bytes, plan: Plan,
                   roles: Sequence[str] | None = None) -> list[Finding]:
    """plan.json's people against what the prepared page prints in each role's row (``roles``:
    the document's signers, when it has fewer than the plan's three)."""
    from pipdocs.document.boxes import parties, party_mismatches, read_boxes

    roles = tuple(roles) if roles else ROLES
    _, rows = read_boxes(prepared, roles)
    out = []
    wanted = {role: who for role, who in parties(plan).items() if role in roles}
    for role, what, value in party_mismatches(rows, wanted):
        en_role, zh_role = ROLE_WORDS[role]
        zh_what = "姓名" if what == "name" else "电子邮件"
        out.append(Finding(
            "party_mismatch",
            f"plan.json names {value} as the {en_role}'s {what}, but the signature page does not"
            " show it in the {en_role}'s row".replace("{en_role}", en_role),
            f"plan.json 中{zh_role}的{zh_what}为 {value}，但签字页{zh_role}一栏并未显示"))
    return out


def active_content(reader: Any, attachments: tuple[str, ...]) -> list[Finding]:
    """Active or unexpected content in any revision: JavaScript, actions other than /GoTo,
    Launch, XFA, attachments other than ``attachments``, form fields other than signature
    fields, annotations other than signature widgets."""
    seen: dict[tuple[str, str], Finding] = {}
    for revision, ref, node in _objects(reader):
        for what in _judge(node, attachments, reader):
            en, zh = what
            key = (en, zh)
            if key not in seen:
                seen[key] = Finding(
                    "active_content", f"{en} (object {ref.idnum}, revision {revision})",
                    f"{zh}（对象 {ref.idnum}，第 {revision} 版）")
    return list(seen.values())


def _objects(reader: Any) -> Iterator[tuple[int, Any, Any]]:
    """(revision, reference, every dictionary inside the object) for each object written in
    any revision, historical values included."""
    from pyhanko.pdf_utils import generic

    count = 0
    for revision in range(reader.xrefs.total_revisions):
        for ref in sorted(reader.xrefs.explicit_refs_in_revision(revision),
                          key=lambda r: r.idnum):
            count += 1
            if count > MAX_OBJECTS:
                raise ValueError(f"more than {MAX_OBJECTS} objects")
            obj = reader.get_object(ref, revision=revision)
            stack: list[tuple[Any, int]] = [(obj, 0)]
            while stack:
                node, depth = stack.pop()
                if depth > MAX_DEPTH:
                    raise ValueError("objects nested too deeply")
                if isinstance(node, generic.DictionaryObject):  # streams are dictionaries too
                    yield revision, ref, node
                    stack.extend((node.raw_get(k), depth + 1) for k in node)
                elif isinstance(node, generic.ArrayObject):
                    stack.extend((node.raw_get(i), depth + 1) for i in range(len(node)))


def _judge(node: Any, attachments: tuple[str, ...], reader: Any) -> Iterator[tuple[str, str]]:
    for key, words in ACTIVE_KEYS.items():
        if key in node:
            yield words
    if "/OpenAction" in node and not _inert_open_action(node["/OpenAction"]):
        yield ("an action run on opening (/OpenAction)", "打开时执行的动作（/OpenAction）")
    action = node.raw_get("/S") if "/S" in node else None
    if action is not None and ("/Type" not in node or str(node.raw_get("/Type")) == "/Action"):
        if str(action) not in INERT_ACTIONS and ("/Type" in node or "/Next" in node
                                                 or str(action) in _ACTION_TYPES):
            yield (f"a {str(action)[1:]} action", f"{str(action)[1:]} 动作")
    if "/EF" in node:
        names = {str(node.raw_get(k)) for k in ("/UF", "/F") if k in node}
        if not names & set(attachments) or len(names - set(attachments)) > 0:
            label = ", ".join(sorted(names)) or "?"
            yield (f"an embedded file '{label}'", f"嵌入文件“{label}”")
    field_type = _field_type(node)
    if field_type is not None and field_type != "/Sig":
        yield (f"a form field of type {field_type[1:]}", f"{field_type[1:]} 类型的表单字段")
    subtype = str(node.raw_get("/Subtype")) if "/Subtype" in node else None
    if subtype is not None and (str(node.get("/Type", "")) == "/Annot" or "/Rect" in node):
        if subtype != "/Widget" and subtype in _ANNOTATIONS:
            yield (f"a {subtype[1:]} annotation", f"{subtype[1:]} 注释")
        elif subtype == "/Widget" and _field_type(node, inherit=True) != "/Sig":
            yield ("a widget of a field other than a signature", "非签名字段的控件")


def _inert_open_action(value: Any) -> bool:
    """LibreOffice opens at page 1: a destination array, or a /GoTo action, is inert."""
    from pyhanko.pdf_utils import generic

    if isinstance(value, generic.ArrayObject):
        return True
    return isinstance(value, generic.DictionaryObject) and str(value.get("/S")) == "/GoTo" \
        and "/Next" not in value


def _field_type(node: Any, inherit: bool = False) -> str | None:
    if "/FT" in node:
        return str(node.raw_get("/FT"))
    if inherit and "/Parent" in node:
        parent = node["/Parent"]
        return str(parent.raw_get("/FT")) if "/FT" in parent else None
    return None


_ACTION_TYPES = {
    "/GoTo", "/GoToR", "/GoToE", "/GoToDp", "/Launch", "/Thread", "/URI", "/Sound", "/Movie",
    "/Hide", "/Named", "/SubmitForm", "/ResetForm", "/ImportData", "/SetOCGState",
    "/Rendition", "/Trans", "/GoTo3DView", "/JavaScript", "/RichMediaExecute",
}
_ANNOTATIONS = {
    "/Text", "/Link", "/FreeText", "/Line", "/Square", "/Circle", "/Polygon", "/PolyLine",
    "/Highlight", "/Underline", "/Squiggly", "/StrikeOut", "/Caret", "/Stamp", "/Ink", "/Popup",
    "/FileAttachment", "/Sound", "/Movie", "/Screen", "/Widget", "/PrinterMark", "/TrapNet",
    "/Watermark", "/3D", "/Redact", "/Projection", "/RichMedia",
}
