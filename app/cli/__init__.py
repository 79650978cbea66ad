"""The ``sharing-register`` command: its parser and dispatch (``parser``) and a
module per group of commands."""

from __future__ import annotations

from app.cli.parser import main
from app.cli.serve import where

__all__ = ["main", "where"]
