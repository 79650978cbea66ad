"""The append-only, hash-chained audit trail of every change to the register."""
