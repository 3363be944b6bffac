"""Pure cryptography over bytes: key specs, key pairs, the ciphertext blob; no I/O."""
