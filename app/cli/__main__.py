"""``python -m app.cli``: the ``sharing-register`` command."""

from __future__ import annotations

import sys

from app.cli.parser import main

sys.exit(main())
