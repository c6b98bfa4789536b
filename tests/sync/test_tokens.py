"""Receipt tokens: central can read who issued a receipt, and forged ones fail."""

import datetime

import pytest

from sync import signing, tokens


@pytest.fixture
def key() -> bytes:
    return signing.new_private_key()


def test_a_token_carries_time_and_code_and_verifies(key):
    when = datetime.datetime(2026, 11, 25, 16, 5, 7, tzinfo=datetime.UTC)
    token = tokens.make_token(key, "TUN-7K3M-9QXP-4", when, "ZOO-RUM")
    claim = tokens.read_token(signing.public_key(key), "TUN-7K3M-9QXP-4", token)
    assert claim == tokens.ReceiptClaim("TUN-7K3M-9QXP-4", when, "ZOO-RUM")
    assert set(token) <= set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")


def test_a_token_for_another_code_or_key_is_refused(key):
    when = datetime.datetime(2026, 11, 25, tzinfo=datetime.UTC)
    token = tokens.make_token(key, "TUN-7K3M-9QXP-4", when, "ZOO-RUM")
    with pytest.raises(tokens.InvalidToken):
        tokens.read_token(signing.public_key(key), "TUN-7K3M-9QXP-5", token)
    other = signing.public_key(signing.new_private_key())
    with pytest.raises(tokens.InvalidToken):
        tokens.read_token(other, "TUN-7K3M-9QXP-4", token)


@pytest.mark.parametrize("forged", ["", "AAAA", "!!!", "A" * 102])
def test_garbage_tokens_are_refused(key, forged):
    with pytest.raises(tokens.InvalidToken):
        tokens.read_token(signing.public_key(key), "TUN-7K3M-9QXP-4", forged)
