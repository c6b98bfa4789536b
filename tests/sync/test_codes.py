"""Tracking codes: unguessable, checkable, forgiving to type (DESIGN.md invariant 9)."""

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sync.codes import ALPHABET, InvalidCode, check_character, new_code, parse_code

prefixes = st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZ", min_size=3, max_size=3)
bodies = st.text(alphabet=ALPHABET, min_size=8, max_size=8)


def make(prefix: str, body: str) -> str:
    return f"{prefix}-{body[:4]}-{body[4:]}-{check_character(prefix, body)}"


def test_new_code_has_the_documented_shape():
    code = new_code("TUN")
    assert re.fullmatch(r"TUN-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]", code)
    assert parse_code(code) == code


def test_new_codes_do_not_repeat():
    # 40 random bits: 10,000 draws colliding would mean the randomness is broken.
    assert len({new_code("TUN") for _ in range(10_000)}) == 10_000


def test_prefix_must_be_three_letters():
    with pytest.raises(ValueError, match="three letters"):
        new_code("TU1")


@given(prefixes, bodies)
def test_typing_is_forgiving(prefix, body):
    code = make(prefix, body)
    sloppy = code.lower().replace("-", " ").replace("0", "o").replace("1", "l")
    assert parse_code(sloppy) == code
    assert parse_code(code.replace("-", "")) == code
    assert parse_code(f"  {code.replace('1', 'I')}  ") == code


@given(prefixes, bodies, st.integers(0, 8), st.sampled_from(ALPHABET))
def test_every_single_wrong_character_is_caught(prefix, body, position, replacement):
    chars = list(body + check_character(prefix, body))
    if chars[position] == replacement:
        return
    chars[position] = replacement
    mistyped = f"{prefix}{''.join(chars)}"
    with pytest.raises(InvalidCode):
        parse_code(mistyped)


@given(prefixes, bodies, st.sampled_from("ABCDEFGHJKMNPQRSTVWXYZ"))
def test_a_wrong_prefix_letter_is_caught(prefix, body, letter):
    code = make(prefix, body)
    if prefix[0] == letter:
        return
    with pytest.raises(InvalidCode):
        parse_code(letter + code[1:])


@pytest.mark.parametrize(
    "text", ["", "TUN", "TUN-7K3M-9QXP", "TUN-7K3M-9QXP-44", "TUN-7K3M-9QXP-#", "123-7K3M-9QXP-4"]
)
def test_malformed_codes_are_refused(text):
    with pytest.raises(InvalidCode):
        parse_code(text)
