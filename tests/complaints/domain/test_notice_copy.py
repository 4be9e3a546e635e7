"""One canonical JSON text for one notice, and its SHA-256."""
import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from complaints.domain.notice_copy import notice_canonical, notice_sha256


@dataclass
class Address:
    city: str


def test_the_canonical_text_sorts_keys_keeps_japanese_and_writes_times_in_utc():
    tokyo = timezone(timedelta(hours=9))
    content = {"title": "星空", "a": [1, True], "seen": datetime(2026, 11, 20, 10, 30,
                                                                  tzinfo=tokyo),
               "address": Address(city="東京")}
    assert notice_canonical(content) == (
        '{"a":[1,true],"address":{"city":"東京"},"seen":"2026-11-20T01:30:00+00:00",'
        '"title":"星空"}')


def test_the_same_content_in_another_order_has_the_same_hash_and_any_change_another():
    one = {"title": "A", "works": [{"title": "W", "kind": "anime"}]}
    two = {"works": [{"kind": "anime", "title": "W"}], "title": "A"}
    assert notice_sha256(one) == notice_sha256(two) == hashlib.sha256(
        notice_canonical(one).encode()).hexdigest()
    assert notice_sha256({**one, "title": "A "}) != notice_sha256(one)
