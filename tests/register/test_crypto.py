"""Encryption and the keyed look-up hash of identity numbers."""

from __future__ import annotations

import pytest
from cryptography.fernet import Fernet
from hypothesis import given, settings
from hypothesis import strategies as st

from etablera.register import crypto
from etablera.register.synthetic import synthetic_number

numbers = st.integers(min_value=0, max_value=300_000).map(synthetic_number)


@given(numbers)
@settings(max_examples=50)
def test_encryption_round_trips_and_never_holds_the_number_in_clear(number):
    token = crypto.encrypt(number)
    assert token.startswith(crypto.PREFIX)
    assert number not in token
    assert crypto.decrypt(token) == number


def test_each_encryption_is_different_but_the_hash_is_stable():
    number = synthetic_number(1)
    assert crypto.encrypt(number) != crypto.encrypt(number)
    assert crypto.lookup_hash(number) == crypto.lookup_hash(number)
    assert len(crypto.lookup_hash(number)) == 64
    assert crypto.lookup_hash(number) != crypto.lookup_hash(synthetic_number(2))


def test_the_hash_is_keyed(settings):
    number = synthetic_number(3)
    settings.ETABLERA_DATA_KEY = "first key for the test"
    first = crypto.lookup_hash(number)
    settings.ETABLERA_DATA_KEY = "second key for the test"
    assert crypto.lookup_hash(number) != first


def test_a_fernet_key_and_a_passphrase_both_give_working_separate_keys(settings):
    number = synthetic_number(4)
    settings.ETABLERA_DATA_KEY = Fernet.generate_key().decode()
    fernet_keys = crypto.keys()
    token = crypto.encrypt(number)
    assert crypto.decrypt(token) == number
    settings.ETABLERA_DATA_KEY = "a passphrase, not a Fernet key"
    assert crypto.keys() is not fernet_keys
    with pytest.raises(crypto.DecryptionError):
        crypto.decrypt(token)


def test_the_encryption_and_lookup_keys_differ():
    keys = crypto.keys()
    assert keys.lookup != crypto._derive(crypto._key_material("x"), b"identity-encryption")
    assert len(keys.lookup) == 32


@pytest.mark.parametrize("token", ["", "v1:", "v1:not-base64!", "v2:abc", "v1:" + "A" * 40])
def test_damaged_tokens_raise_a_decryption_error(token):
    with pytest.raises(crypto.DecryptionError):
        crypto.decrypt(token)
