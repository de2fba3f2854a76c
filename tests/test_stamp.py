"""The visible stamp's text: wrapped to the field, cut (not shrunk) when it would be unreadable."""

from __future__ import annotations

from pipdocs.core.policy import load_policy
from pipdocs.signing.stamp import ELLIPSIS, MIN_SCALE, stamp_text, text_width, wrap

LAYOUT = load_policy().stamp
VALUES = {"signer": "赵磊", "role": "员工", "ts": "2026-12-01 10:00:00 +0800"}


def test_a_long_reason_is_cut_so_the_stamp_stays_legible() -> None:
    reason = "员工确认已收到；员工意见：" + "我不同意第二个目标，因为数据口径不一致。" * 30
    text = stamp_text(LAYOUT, "zh", width=240, height=72, reason=reason, **VALUES)
    lines = text.splitlines()
    leading = LAYOUT.leading or LAYOUT.font_size * 1.2
    assert len(lines) * leading * MIN_SCALE <= 72
    assert lines[:3] == ["签署人：赵磊", "角色：员工", f"时间：{VALUES['ts']}"]
    assert lines[-2].endswith(ELLIPSIS) and lines[3].startswith("事由：员工确认已收到")
    assert lines[-1] == "（意见全文见电子签名记录）"  # never cut silently
    assert all(text_width(line, LAYOUT) <= 240 for line in lines)


def test_a_500_character_comment_keeps_the_stamp_readable() -> None:
    """The longest comment allowed: signer, role and time stay, the rest is pointed to."""
    policy = load_policy()
    reason = policy.reason("employee", "en", disagree=True, comment="x" * 20 + " y" * 240)
    text = stamp_text(LAYOUT, "en", width=240, height=72, reason=reason, **VALUES)
    lines = text.splitlines()
    assert lines[0] == "Signed by: 赵磊" and lines[2].startswith("Time: ")
    assert lines[3].startswith("Reason: Employee acknowledges receipt of this")
    assert lines[-1] == "(continued in the signature record)"


def test_a_short_reason_is_not_cut() -> None:
    text = stamp_text(LAYOUT, "zh", width=240, height=72, reason="同意", **VALUES)
    assert text.splitlines()[-1] == "事由：同意" and ELLIPSIS not in text
    assert "签名记录" not in text


def test_newlines_and_tabs_in_a_value_do_not_make_lines() -> None:
    text = stamp_text(LAYOUT, "en", width=400, height=200, reason="a\n\nb\tc", **VALUES)
    assert "Reason: a b c" in text.splitlines()


def test_chinese_lines_do_not_start_with_closing_punctuation() -> None:
    parts = wrap("我不同意第二个目标，因为数据口径不一致。", 18)
    assert not any(part.strip()[0] in "，。" for part in parts)
    assert "".join(p.strip() for p in parts) == "我不同意第二个目标，因为数据口径不一致。"
