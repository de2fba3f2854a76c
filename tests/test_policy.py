"""The signing policy's reason texts."""

from __future__ import annotations

from pipdocs.core.policy import load_policy


def test_reason_and_comment_are_one_line() -> None:
    """A newline in --reason or --comment broke the stamp and the verification report's layout."""
    policy = load_policy()
    reason = policy.reason("employee", "en", comment="first line\n\n\tsecond\x07 line ")
    assert reason.endswith("Employee comment: first line second line")
    assert policy.reason("manager", "en", override="  ok\r\nfine ") == "ok fine"
    assert policy.reason("manager", "en", override=" \n ") == policy.reasons["en"]["manager"]
