import uuid

from sync.ids import uuid7


def test_uuid7_is_version_7_and_sorts_by_time():
    first, second = uuid7(1_700_000_000_000), uuid7(1_700_000_000_001)
    assert first.version == 7 and first.variant == uuid.RFC_4122
    assert str(first) < str(second)
    assert first.int >> 80 == 1_700_000_000_000
