"""Field encryption for stored card data."""
import os

from Crypto.Cipher import AES
from cryptography.hazmat.primitives.ciphers.aead import AESGCM


def encrypt_pan_legacy(key: bytes, pan: bytes) -> bytes:
    return AES.new(key, AES.MODE_ECB).encrypt(pan.ljust(32, b"\0"))  # expect: weak-cipher


def encrypt_pan(key: bytes, pan: bytes) -> bytes:
    nonce = os.urandom(12)
    return nonce + AESGCM(key).encrypt(nonce, pan, None)
