"""`cchc simulate serve|db|register`: the simulated city's own commands (see simulator/cli.py)."""

from __future__ import annotations

import argparse

from cchc.cli import Parser
from simulator import cli as simulator_cli


def build_parser() -> argparse.ArgumentParser:
    """The parser of `cchc simulate ...`: what follows `simulate` on the command line is parsed by it."""
    parser = Parser(prog="cchc", description="The simulated city (all five systems)")
    simulator_cli.register(parser.add_subparsers(dest="command", required=True))
    return parser


def run_simulate(arguments: list[str]) -> int:
    args = build_parser().parse_args(["simulate", *arguments])
    return args.func(args)
