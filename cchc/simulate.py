"""`cchc simulate serve|db`: the simulated city's own commands (see simulator/cli.py)."""

from __future__ import annotations

import argparse

from simulator import cli as simulator_cli


def run_simulate(arguments: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="cchc", description="The simulated city (all five systems)")
    simulator_cli.register(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(["simulate", *arguments])
    return args.func(args)
