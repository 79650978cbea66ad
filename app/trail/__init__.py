"""The append-only, hash-chained audit trail of every change to the register, and its
Merkle log with signed checkpoints (RFC 9162)."""
