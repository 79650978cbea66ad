"""Registers in and out as whole documents: seed loading, import, export commands."""
