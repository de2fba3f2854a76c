"""`pipdocs demo`: the whole flow on built-in examples."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from pipdocs.cli.app import DIR_PATH, cli


@cli.command("demo")
@click.option("-o", "--output", "out_dir", type=DIR_PATH, default=None,
              help="Fresh directory for everything (default: a new temporary one).")
@click.option("--lang", type=click.Choice(["zh", "en"]), default="zh", show_default=True)
@click.option("--case", "whole_case", is_flag=True,
              help="A whole case instead: plan, check-ins, a revision, the final evaluation,"
                   " each signed on its own date (under faketime), then `case verify`.")
@click.option("--serve", is_flag=True,
              help="Instead: start 'pipdocs serve' with one envelope and print the first link.")
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True,
              help="Port for --serve.")
def demo_command(out_dir: Path | None, lang: str, whole_case: bool, serve: bool,
                 port: int) -> None:
    """The whole flow on built-in examples: CA, three signers, TSA, PDF, signatures, verify."""
    from pipdocs.demo import run_case_demo, run_demo, serve_demo

    if serve:
        from pipdocs.pki.seal import SEAL_PASSWORD_ENV

        serve_demo(out_dir, lang, port=port, progress=click.echo,
                   seal_password=os.environ.get(SEAL_PASSWORD_ENV) or None)
        return

    result = (run_case_demo if whole_case else run_demo)(out_dir, lang, progress=click.echo)
    sys.exit(0 if result.ok else 1)
