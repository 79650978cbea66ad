"""The current register of a controller as one immutable snapshot, kept per data version."""
