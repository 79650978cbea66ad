"""The README's commands, run as a user would run them, give the output it shows.

Every ``console`` block of README.md is a transcript: ``$ `` lines are commands
(continued on ``> `` lines, as bash prompts them), the lines after a command up
to the next ``$ `` are its output. The test starts the service with the
README's own run command (``./scripts/run``) on a fresh database, runs every
block in ``bash`` (one shell per block, so a block may set variables for its
later commands) and compares each command's output with the README's.

Outputs are compared after masking what differs between two runs of the same
build: times (an ``as_of`` taken when the block runs), API keys and request ids.
The block that sets ``DATABASE_URL`` to the README's PostgreSQL URL runs on a
fresh PostgreSQL database of ``TEST_DATABASE_URL``'s server instead.

When the seed or the API changes, refresh the README's outputs with::

    .venv/bin/python -m tests.test_readme --update

(SQLite; the PostgreSQL block too when ``TEST_DATABASE_URL`` is set.)
"""

from __future__ import annotations

import argparse
import difflib
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from tests.databases import DatabaseFactory

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
MAX_LINES = 250
README_PORT = 8000
README_POSTGRES_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/register"
RUN_COMMAND = "./scripts/run"
TEST_COMMAND = "./scripts/test"
COMMAND_TIMEOUT = 120.0
MARK = "\x1e"

_MASKS = [
    (re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2})?"), "<time>"),
    (re.compile(r"\d{8}T\d{6}Z"), "<time>"),
    (re.compile(r"dsr_[A-Za-z0-9]+_[A-Za-z0-9_-]+"), "<key>"),
    (re.compile(r"\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b"), "<uuid>"),
]


# --- the README as transcripts ---------------------------------------------


@dataclass
class Command:
    lines: list[str]  # without their prompts ("$ ", then "> ")
    output: list[str]

    @property
    def script(self) -> str:
        return "\n".join(self.lines)


@dataclass
class Block:
    first_line: int  # 1-based line of the opening fence
    commands: list[Command] = field(default_factory=list)

    @property
    def on_postgres(self) -> bool:
        return any(README_POSTGRES_URL in c.script for c in self.commands)

    def render(self) -> list[str]:
        lines: list[str] = []
        for command in self.commands:
            lines.append("$ " + command.lines[0])
            lines.extend("> " + line for line in command.lines[1:])
            lines.extend(command.output)
        return lines


@dataclass
class Readme:
    """README.md split into prose (kept verbatim) and console blocks."""

    parts: list[list[str] | Block]

    @property
    def blocks(self) -> list[Block]:
        return [part for part in self.parts if isinstance(part, Block)]

    def render(self) -> str:
        lines: list[str] = []
        for part in self.parts:
            if isinstance(part, Block):
                lines += ["```console", *part.render(), "```"]
            else:
                lines += part
        return "\n".join(lines) + "\n"


def parse(text_: str) -> Readme:
    parts: list[list[str] | Block] = [[]]
    block: Block | None = None
    for number, line in enumerate(text_.splitlines(), start=1):
        if block is None:
            if line.strip() == "```console":
                block = Block(first_line=number)
                parts.append(block)
            else:
                prose = parts[-1]
                assert isinstance(prose, list)
                prose.append(line)
            continue
        if line.strip() == "```":
            parts.append([])
            block = None
        elif line.startswith("$ "):
            block.commands.append(Command(lines=[line[2:]], output=[]))
        elif line.startswith("> ") and block.commands and not block.commands[-1].output:
            block.commands[-1].lines.append(line[2:])
        else:
            assert block.commands, f"README line {number}: output before any command"
            block.commands[-1].output.append(line)
    assert block is None, "README ends inside a console block"
    return Readme(parts)


# --- running them -------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@dataclass
class Place:
    """Where the blocks run: the server's port, the database, a scratch
    directory standing for the project (files the commands save land there)."""

    port: int
    database_url: str
    workdir: Path

    def command(self, script: str) -> str:
        return script.replace(f"127.0.0.1:{README_PORT}", f"127.0.0.1:{self.port}")

    def output(self, text_: str) -> str:
        text_ = text_.replace(f"127.0.0.1:{self.port}", f"127.0.0.1:{README_PORT}")
        for path in (str(self.workdir), str(ROOT)):
            text_ = text_.replace(path, ".")
        return text_


@contextmanager
def scratch() -> Iterator[Path]:
    with tempfile.TemporaryDirectory(prefix="dsr-readme-") as name:
        workdir = Path(name)
        (workdir / ".venv").symlink_to(ROOT / ".venv")
        yield workdir


@contextmanager
def served(database_url: str, workdir: Path) -> Iterator[Place]:
    """The service as the README starts it, on ``database_url``."""
    port = free_port()
    log = workdir / "server.log"
    env = {**os.environ, "DATABASE_URL": database_url}
    with log.open("wb") as sink:
        process = subprocess.Popen(
            [RUN_COMMAND, "--port", str(port)],
            cwd=ROOT,
            env=env,
            stdout=sink,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        deadline = time.monotonic() + 180
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"{RUN_COMMAND} exited:\n{log.read_text()[-3000:]}")
            try:
                if httpx.get(f"http://127.0.0.1:{port}/readyz", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"{RUN_COMMAND} never became ready:\n{log.read_text()[-3000:]}")
            time.sleep(0.2)
        yield Place(port=port, database_url=database_url, workdir=workdir)
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()


class CommandFailed(AssertionError):
    pass


def run_block(block: Block, place: Place) -> list[list[str]]:
    """Each command's output (normalised to the README's port and paths)."""
    script = ["set -o pipefail"]
    for command in block.commands:
        script.append(place.command(command.script))
        script.append(f'__rc=$?; printf \'{MARK}%s{MARK}\' "$__rc"; [ "$__rc" -eq 0 ] || exit 0')
    env = {**os.environ, "DATABASE_URL": place.database_url}
    result = subprocess.run(
        ["bash", "-c", "\n".join(script)],
        cwd=place.workdir,
        env=env,
        capture_output=True,
        text=True,
        timeout=COMMAND_TIMEOUT,
        check=False,
    )
    chunks = result.stdout.split(MARK)
    outputs: list[list[str]] = []
    for index, command in enumerate(block.commands):
        if 2 * index + 1 >= len(chunks):
            raise CommandFailed(
                f"README line {block.first_line}: the block stopped before `{command.lines[0]}`"
                f"\nstderr:\n{result.stderr[-2000:]}"
            )
        output, status = chunks[2 * index], chunks[2 * index + 1]
        if status != "0":
            raise CommandFailed(
                f"README line {block.first_line}: `{command.script}` exited with {status}\n"
                f"output:\n{output[-2000:]}\nstderr:\n{result.stderr[-2000:]}"
            )
        output = place.output(output)
        outputs.append(output.removesuffix("\n").split("\n") if output else [])
    return outputs


def masked(lines: list[str]) -> list[str]:
    out = []
    for line in lines:
        for pattern, replacement in _MASKS:
            line = pattern.sub(replacement, line)
        out.append(line.rstrip())
    return out


def differences(block: Block, outputs: list[list[str]]) -> list[str]:
    found = []
    for command, actual in zip(block.commands, outputs, strict=True):
        if masked(command.output) != masked(actual):
            diff = difflib.unified_diff(
                command.output, actual, "README", "actual", lineterm="", n=1
            )
            found.append(f"`{command.lines[0]}` (README line {block.first_line}):")
            found.extend(diff)
    return found


# --- PostgreSQL databases for the README's PostgreSQL block --------------------


def _admin_url(server: str) -> str:
    return make_url(server).set(database="postgres").render_as_string(hide_password=False)


@contextmanager
def fresh_postgres(server: str) -> Iterator[str]:
    name = f"dsr_readme_{uuid.uuid4().hex[:12]}"
    admin = create_engine(_admin_url(server), isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        try:
            yield make_url(server).set(database=name).render_as_string(hide_password=False)
        finally:
            with admin.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    finally:
        admin.dispose()


def run_postgres_block(block: Block, server: str, workdir: Path) -> list[list[str]]:
    with fresh_postgres(server) as url:
        place = Place(port=README_PORT, database_url=url, workdir=workdir)
        commands = [
            Command(lines=[line.replace(README_POSTGRES_URL, url) for line in c.lines], output=[])
            for c in block.commands
        ]
        outputs = run_block(Block(first_line=block.first_line, commands=commands), place)
    return [[line.replace(url, README_POSTGRES_URL) for line in out] for out in outputs]


# --- tests -------------------------------------------------------------------------


def test_readme_is_short_and_starts_with_the_two_commands() -> None:
    text_ = README.read_text()
    assert len(text_.splitlines()) < MAX_LINES
    first = parse(text_).blocks[0]
    assert [c.lines[0].split()[0] for c in first.commands] == [RUN_COMMAND, TEST_COMMAND]
    # The run command serves; the test command is this suite: neither prints
    # a transcript worth comparing.
    assert all(not c.output for c in first.commands)


def test_every_shell_command_is_in_a_console_block_and_curl_fails_loudly() -> None:
    text_ = README.read_text()
    assert not re.search(r"^```(?:bash|sh|shell|zsh)\s*$", text_, re.MULTILINE)
    readme = parse(text_)
    assert readme.render() == text_, "the transcript format must round-trip"
    scripts = [c.script for b in readme.blocks for c in b.commands]
    curls = [s for s in scripts if "curl " in s]
    assert curls
    for script in curls:
        assert script.count("curl ") == script.count("curl --fail"), script


def test_relative_links_of_the_readme_and_docs_resolve() -> None:
    for document in [README, *sorted((ROOT / "docs").glob("*.md"))]:
        for target in re.findall(r"\]\(([^)#:]+)(?:#[^)]*)?\)", document.read_text()):
            assert (document.parent / target).exists(), f"{document.name}: {target}"


def _example_blocks() -> list[Block]:
    return [b for b in parse(README.read_text()).blocks[1:] if not b.on_postgres]


def test_readme_commands_answer_what_it_shows(databases: DatabaseFactory) -> None:
    blocks = _example_blocks()
    assert len(blocks) >= 5
    problems: list[str] = []
    with scratch() as workdir, served(databases.create(), workdir) as place:
        for block in blocks:
            problems += differences(block, run_block(block, place))
    assert not problems, (
        "README outputs differ (refresh with `.venv/bin/python -m tests.test_readme "
        "--update` if the change is intended):\n" + "\n".join(problems)
    )


@pytest.mark.postgres_only
@pytest.mark.parametrize("backend", ["postgresql"], indirect=True)
def test_readme_postgresql_deployment_commands(backend: str) -> None:
    server = os.environ["TEST_DATABASE_URL"]
    blocks = [b for b in parse(README.read_text()).blocks if b.on_postgres]
    assert blocks
    problems: list[str] = []
    with scratch() as workdir:
        for block in blocks:
            problems += differences(block, run_postgres_block(block, server, workdir))
    assert not problems, "\n".join(problems)


# --- refreshing the README ------------------------------------------------------------


def refresh(readme: Readme, *, postgres_server: str | None) -> list[str]:
    """Replace every block's outputs by what its commands print now; returns
    the blocks' first lines that changed, in the README's words."""
    changed = []
    with tempfile.TemporaryDirectory(prefix="dsr-readme-db-") as dbdir, scratch() as workdir:
        url = f"sqlite:///{Path(dbdir) / 'register.sqlite3'}"
        with served(url, workdir) as place:
            for block in readme.blocks[1:]:
                if block.on_postgres:
                    if postgres_server is None:
                        print(f"line {block.first_line}: kept (TEST_DATABASE_URL not set)")
                        continue
                    outputs = run_postgres_block(block, postgres_server, workdir)
                else:
                    outputs = run_block(block, place)
                if differences(block, outputs):
                    changed.append(f"line {block.first_line}: {block.commands[0].lines[0]}")
                for command, output in zip(block.commands, outputs, strict=True):
                    command.output = output
    return changed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--update", action="store_true", help="write the outputs into README.md")
    args = parser.parse_args(argv)
    readme = parse(README.read_text())
    try:
        changed = refresh(readme, postgres_server=os.environ.get("TEST_DATABASE_URL") or None)
    except CommandFailed as exc:
        print(exc, file=sys.stderr)
        print("README.md left unchanged", file=sys.stderr)
        return 1
    for line in changed:
        print(f"changed: {line}")
    if not args.update:
        return 1 if changed else 0
    README.write_text(readme.render())
    lines = len(readme.render().splitlines())
    print(f"README.md written ({lines} lines{'; over the limit!' if lines >= MAX_LINES else ''})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
