"""The signing policy (signing/policy.yaml): role order, reasons, stamp layout, TSA, trust anchors.

One file an organisation can read and change without touching code. Lookup order: an explicit
path (``--policy``), ``$PIPDOCS_POLICY``, the copy packaged in a wheel
(``pipdocs/_data/signing/policy.yaml``), the repository's ``signing/policy.yaml``.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from pipdocs.core.errors import InputError
from pipdocs.core.files import read_input
from pipdocs.core.i18n import N_, tr
from pipdocs.core.names import DOCUMENT_KINDS
from pipdocs.core.plan import LANGUAGES, ROLES
from pipdocs.core.resources import shipped
from pipdocs.core.settings import current
from pipdocs.core.text import one_line_shown

PACKAGED_POLICY, REPO_POLICY = shipped("signing", "policy.yaml")

Colour = tuple[float, float, float]
#: An employee's comment: the document promises "up to 500 characters" (a 10,000-character
#: comment would otherwise push everything else out of the stamp).
MAX_COMMENT = 500
#: For policies written before --disagree existed.
DISAGREE = {"zh": "员工已知悉本绩效改进计划，但不同意其内容",
            "en": "Employee acknowledges receipt of this improvement plan but disagrees with it"}


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class StampLayout(_Model):
    """How the visible stamp looks; templates use %(signer)s %(role)s %(ts)s %(reason)s."""

    font: str | None = None
    font_face: str = "Noto Sans CJK SC"
    font_size: int = Field(default=8, ge=4, le=24)
    leading: int | None = Field(default=None, ge=4, le=40)
    wrap: int | None = Field(default=None, ge=10, le=200)  # None: as wide as the field
    border_width: int = Field(default=1, ge=0, le=5)
    border_color: Colour = (0.16, 0.30, 0.55)
    text_color: Colour = (0.05, 0.12, 0.40)
    timestamp_format: str = "%Y-%m-%d %H:%M:%S %z"
    zh: str
    en: str
    continued_zh: str = "（意见全文见电子签名记录）"
    continued_en: str = "(continued in the signature record)"

    def template(self, language: str) -> str:
        return self.zh if language == "zh" else self.en

    def continued(self, language: str) -> str:
        """The line that says a cut reason goes on in the signature's /Reason."""
        return self.continued_zh if language == "zh" else self.continued_en


#: Who signs each lifecycle document, in order, unless the policy's ``documents`` says otherwise
#: ("plan" and "revision" follow the policy's ``order``).
DEFAULT_DOCUMENT_ORDERS: dict[str, tuple[str, ...]] = {
    "checkin": ("manager", "employee"),
    "refusal": ("manager", "hr"),
    "evaluation": ("manager", "hr", "employee"),
}


class DocumentSigning(_Model):
    """A document kind's signers in order, and optionally its own reason texts per language."""

    order: tuple[str, ...] | None = None  # None: the default for the kind
    reasons: dict[str, dict[str, str]] = Field(default_factory=dict)

    @field_validator("order")
    @classmethod
    def _order(cls, value: tuple[str, ...] | None) -> tuple[str, ...] | None:
        if value is None:
            return value
        if not value or len(set(value)) != len(value) or not set(value) <= set(ROLES):
            raise ValueError(f"must list one or more of {', '.join(ROLES)}, each at most once")
        return value


class CaseRules(_Model):
    """What ``case verify`` allows between a document's date and its signatures: each is signed
    on or shortly after its own date; weeks later reads as back-dated (DOMAIN: dates)."""

    sign_within_days: int = Field(default=30, ge=1, le=3650)  # later: signed_long_after_date
    sign_warn_days: int = Field(default=7, ge=0, le=3650)  # later: a signed_late note

    @model_validator(mode="after")
    def _warn_first(self) -> CaseRules:
        if self.sign_warn_days > self.sign_within_days:
            raise ValueError("sign_warn_days must not exceed sign_within_days")
        return self


class Policy(_Model):
    """The parsed policy; ``source`` is the file it came from (for messages and relative paths)."""

    order: tuple[str, ...] = ROLES
    certify_first: bool = True
    lock_last: bool = True
    seal: Literal["required", "optional"] = "optional"
    audit: Literal["required", "optional"] = "optional"  # verify: browser-signed needs its trail
    tsa_url: str | None = None
    tsa_timeout: float = Field(default=10, gt=0, le=300)
    tsa_policy_oid: str = "2.25.178370712384101911245373462733166357112"
    trust_anchors: tuple[str, ...] = ()
    pades_level: Literal["B-LT", "B-LTA"] = "B-LTA"  # B-LTA: document timestamp after the last
    timezone: str | None = None  # evidence report times; default Asia/Shanghai for zh, else UTC
    refresh_margin_days: int = Field(default=365, ge=1, le=3650)  # archive status: refresh by
    reasons: dict[str, dict[str, str]]
    roles: dict[str, dict[str, str]]
    role_names: dict[str, dict[str, str]] = Field(default_factory=lambda: {
        "en": {"employee": "employee", "manager": "manager", "hr": "HR"},
        "zh": {"employee": "员工", "manager": "直接上级", "hr": "人力资源"},
    })
    stamp: StampLayout
    documents: dict[str, DocumentSigning] = Field(default_factory=dict)
    case: CaseRules = CaseRules()
    source: str = ""

    @field_validator("documents")
    @classmethod
    def _documents(cls, value: dict[str, DocumentSigning]) -> dict[str, DocumentSigning]:
        unknown = sorted(set(value) - set(DOCUMENT_KINDS))
        if unknown:
            raise ValueError(f"{', '.join(unknown)}: not a document kind"
                             f" ({', '.join(DOCUMENT_KINDS)})")
        return value

    @field_validator("order")
    @classmethod
    def _order(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        if sorted(value) != sorted(ROLES):
            raise ValueError(f"must list each of {', '.join(ROLES)} exactly once")
        return value

    @field_validator("reasons")
    @classmethod
    def _reasons(cls, value: dict[str, dict[str, str]]) -> dict[str, dict[str, str]]:
        needed = ("employee_ack", "employee_agree", "employee_comment", "manager", "hr")
        for lang in LANGUAGES:
            missing = [k for k in needed if k not in value.get(lang, {})]
            if missing:
                raise ValueError(f"{lang} lacks {', '.join(missing)}")
        return value

    @field_validator("roles", "role_names")
    @classmethod
    def _roles(cls, value: dict[str, dict[str, str]]) -> dict[str, dict[str, str]]:
        for lang in LANGUAGES:
            missing = [r for r in ROLES if r not in value.get(lang, {})]
            if missing:
                raise ValueError(f"{lang} lacks a label for {', '.join(missing)}")
        return value

    @field_validator("tsa_policy_oid")
    @classmethod
    def _oid(cls, value: str) -> str:
        parts = value.split(".")
        if len(parts) < 2 or not all(p.isdigit() for p in parts):
            raise ValueError(f"'{value}' is not a dotted OID such as 2.25.1234")
        return value

    # --- questions the signing code asks ---------------------------------------------------

    def predecessors(self, role: str) -> tuple[str, ...]:
        """Roles that must have signed before ``role`` may sign."""
        return self.order[: self.order.index(role)]

    def successors(self, role: str) -> tuple[str, ...]:
        return self.order[self.order.index(role) + 1 :]

    def is_first(self, role: str) -> bool:
        return self.order[0] == role

    def is_last(self, role: str) -> bool:
        return self.order[-1] == role

    def order_for(self, kind: str) -> tuple[str, ...]:
        """Signers of a document ``kind`` in order: its ``documents`` entry, else the default."""
        own = self.documents.get(kind)
        if own is not None and own.order:
            return own.order
        return DEFAULT_DOCUMENT_ORDERS.get(kind, self.order)

    def role_label(self, role: str, language: str) -> str:
        """The role as a heading or stamp line: 'Human Resources', '人力资源'."""
        return self.roles[_lang(language)][role]

    def reason(
        self, role: str, language: str, *, agree: bool = False, comment: str | None = None,
        override: str | None = None, disagree: bool = False, kind: str = "plan",
    ) -> str:
        """The /Reason text: the role's default for the document ``kind`` (or ``override``),
        plus the employee's comment.

        The employee agrees, acknowledges receipt (default), or acknowledges but disagrees.
        """
        texts = dict(self.reasons[_lang(language)])
        own = self.documents.get(kind)
        texts.update(own.reasons.get(_lang(language), {}) if own else {})
        override, comment = _one_line(override), _one_line(comment)
        if agree and disagree:
            raise InputError(tr("--agree and --disagree exclude each other; choose one"))
        if len(comment) > MAX_COMMENT:
            raise InputError(tr(
                "the comment has {count} characters; at most {max} fit the signature record:"
                " shorten it, or give the rest to HR in writing").format(
                    count=len(comment), max=MAX_COMMENT))
        if override:
            base = override
        elif role == "employee" and disagree:
            base = texts.get("employee_disagree") or DISAGREE[_lang(language)]
        elif role == "employee":
            base = texts["employee_agree" if agree else "employee_ack"]
        else:
            base = texts[role]
        if comment:
            sep = "；" if _lang(language) == "zh" else "; "
            base = base + sep + texts["employee_comment"] % {"comment": comment}
        return base

    def trust_anchor_paths(self) -> list[Path]:
        """Trust anchors as paths; relative entries are relative to the policy file."""
        base = Path(self.source).parent if self.source else Path.cwd()
        return [p if p.is_absolute() else base / p for p in map(Path, self.trust_anchors)]


def _one_line(text: str | None) -> str:
    """A reason is one line in every viewer and report, and shows what was typed: bidi and
    control characters are written escaped (``\\u202e``), never dropped (core.text)."""
    return one_line_shown(text)


def _lang(language: str) -> str:
    return language if language in LANGUAGES else "en"


def default_policy_path() -> Path:
    """Where the policy comes from when no path is given."""
    configured = current().policy  # PIPDOCS_POLICY, read by the command line
    if configured:
        return configured
    if PACKAGED_POLICY.is_file():
        return PACKAGED_POLICY
    return REPO_POLICY


def shipped_policy() -> Policy:
    """The policy pipdocs ships (never $PIPDOCS_POLICY): where fixed wording such as role names
    in messages and reports comes from, so it is written once, in policy.yaml."""
    return load_policy(PACKAGED_POLICY if PACKAGED_POLICY.is_file() else REPO_POLICY)


def load_policy(path: Path | str | None = None) -> Policy:
    """Read and check a policy file (default: see :func:`default_policy_path`)."""
    resolved = Path(path) if path else default_policy_path()
    return _load_cached(str(resolved.resolve()))


@lru_cache(maxsize=8)
def _load_cached(path: str) -> Policy:
    import yaml

    raw = read_input(Path(path), N_("signing policy"), N_("pass --policy FILE"))  # not a pipe
    try:
        data: Any = yaml.safe_load(raw.decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise InputError(f"{path}: cannot read the signing policy ({exc})") from exc
    except yaml.YAMLError as exc:
        raise InputError(f"{path}: YAML syntax error in the signing policy: {exc}") from exc
    if not isinstance(data, dict):
        raise InputError(f"{path}: a signing policy is a mapping (order: ..., reasons: ...)")
    try:
        return Policy.model_validate({**data, "source": path})
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise InputError(f"{path}: {where}: {first['msg']}; fix the signing policy") from exc
