"""``keys create|revoke|list``: API keys from the command line."""

from __future__ import annotations

import argparse
import sys

from sqlalchemy import select

from app.cli.sessions import session_factory
from app.config import Settings
from app.db import session_scope
from app.errors import ProblemError
from app.register.models import Controller


def cmd_keys(settings: Settings, args: argparse.Namespace) -> int:
    from app.auth import keys

    factory = session_factory(settings)
    try:
        with session_scope(factory) as session:
            if args.keys_command == "create":
                new = keys.create_key(
                    session, name=args.name, scopes=args.scope, controller=args.controller
                )
                print(
                    f"created key {new.key.key_id} ({new.key.name}): "
                    f"scopes {', '.join(new.key.scopes)}; shown once, store it now:"
                )
                print(new.secret)
            elif args.keys_command == "revoke":
                key = keys.revoke_key(session, args.key_id)
                print(f"revoked key {key.key_id} ({key.name})")
            else:
                from app.auth.models import ApiKey

                rows = session.execute(
                    select(ApiKey, Controller.slug)
                    .outerjoin(Controller, Controller.id == ApiKey.controller_id)
                    .order_by(ApiKey.id)
                )
                for key, controller in rows:
                    state = "revoked" if key.revoked_at else "active"
                    scope = controller or "all controllers"
                    print(
                        f"{key.key_id}  {state:8} {','.join(key.scopes):28} {scope:32} {key.name}"
                    )
    except ProblemError as exc:
        print(f"error: {exc.detail}", file=sys.stderr)
        return 2
    return 0
