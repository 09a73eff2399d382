"""Enrolment codes and the limit on wrong ones, without a hub."""

from __future__ import annotations

import json
import re

from isoko.platform.enrolment import (
    CODE_ALPHABET,
    AttemptLimiter,
    course_for_code,
    display_code,
    ensure_codes,
    normalise_code,
)


def test_each_course_gets_a_private_code_kept_across_restarts(tmp_path):
    path = tmp_path / "enrolment-codes.json"
    codes = ensure_codes(path, ["pricing", "logistics"])
    assert path.stat().st_mode & 0o777 == 0o600
    assert set(codes) == {"pricing", "logistics"}
    assert codes["pricing"] != codes["logistics"]
    assert ensure_codes(path, ["pricing", "logistics"]) == codes, "a restart keeps the codes"
    assert json.loads(path.read_text()) == codes


def test_a_new_course_gets_a_code_and_the_others_keep_theirs(tmp_path):
    path = tmp_path / "enrolment-codes.json"
    first = ensure_codes(path, ["pricing"])
    second = ensure_codes(path, ["pricing", "selling-online"])
    assert second["pricing"] == first["pricing"]
    assert second["selling-online"]


def test_codes_are_easy_to_type_on_a_phone_and_long_enough_not_to_be_guessed(tmp_path):
    codes = ensure_codes(tmp_path / "codes.json", [f"c{i}" for i in range(50)])
    for code in codes.values():
        assert re.fullmatch(r"[a-z2-9]{10}", code), code
        assert not set(code) & set("0o1li"), "no characters that look alike"
    # 31 symbols, 10 of them: about 2^49 codes.
    assert len(CODE_ALPHABET) ** 10 > 2**48
    assert len(set(codes.values())) == 50


def test_a_code_is_read_out_in_two_groups_and_typed_any_way():
    assert display_code("k7m2q9xwbt") == "k7m2q-9xwbt"
    for typed in ("k7m2q-9xwbt", "K7M2Q 9XWBT", " k7m2q9xwbt "):
        assert normalise_code(typed) == "k7m2q9xwbt"
    codes = {"pricing": "k7m2q9xwbt", "logistics": "abcdefghjk"}
    assert course_for_code(codes, "K7M2Q-9XWBT") == "pricing"
    assert course_for_code(codes, "k7m2q-9xwbu") is None
    assert course_for_code(codes, "") is None


class Clock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self):
        return self.now


def test_wrong_codes_are_free_at_first_then_each_one_waits():
    clock = Clock()
    limiter = AttemptLimiter(free_failures=5, wait_seconds=60, clock=clock)
    for _ in range(4):
        limiter.failed("amina")
        assert limiter.retry_after("amina") == 0
    limiter.failed("amina")
    assert limiter.retry_after("amina") == 60
    assert limiter.retry_after("bosco") == 0, "one guesser does not slow down another"
    clock.now += 59.5
    assert limiter.retry_after("amina") == 1
    clock.now += 1
    assert limiter.retry_after("amina") == 0
    limiter.failed("amina")
    assert limiter.retry_after("amina") == 60, "every further wrong code waits again"


def test_a_right_code_clears_the_count():
    limiter = AttemptLimiter(free_failures=2, wait_seconds=60, clock=Clock())
    limiter.failed("amina")
    limiter.succeeded("amina")
    limiter.failed("amina")
    assert limiter.retry_after("amina") == 0
