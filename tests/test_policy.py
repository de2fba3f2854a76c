"""The signing policy's reason texts."""

from __future__ import annotations

from pipdocs.core.policy import load_policy


def test_reason_and_comment_are_one_line() -> None:
    """A newline in --reason or --comment broke the stamp and the verification report's layout."""
    policy = load_policy()
    reason = policy.reason("employee", "en", comment="first line\n\n\tsecond\x07 line ")
    assert reason.endswith("Employee comment: first line second\\x07 line")  # shown, not dropped
    assert policy.reason("manager", "en", override="  ok\r\nfine ") == "ok fine"
    assert policy.reason("manager", "en", override=" \n ") == policy.reasons["en"]["manager"]


def test_employee_disagreeing_names_the_document_signed() -> None:
    """--disagree on a check-in or an evaluation does not say one disagrees with the plan."""
    policy = load_policy()
    expected = {("checkin", "zh"): "回顾面谈记录", ("checkin", "en"): "check-in record",
                ("evaluation", "zh"): "最终评估", ("evaluation", "en"): "final evaluation",
                ("revision", "zh"): "计划变更", ("revision", "en"): "plan revision"}
    for (kind, lang), words in expected.items():
        reason = policy.reason("employee", lang, disagree=True, kind=kind)
        assert words in reason and ("不同意" in reason or "disagrees" in reason), (kind, reason)
