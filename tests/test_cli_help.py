"""Every command and subcommand answers --help (exit 0, its usage, every argument explained), and the
arguments that name a system offer exactly the declared systems."""

from __future__ import annotations

import argparse
import dataclasses

import pytest

import cchc.cli
from cchc import simulate
from cchc.cli import build_parser, main
from sources import SYSTEMS

# `cchc web` --host/--port: their lines belong to another change of the web subparser (issue 19); every other
# argument of every command has a help text
WITHOUT_HELP = {("web", "--host"), ("web", "--port")}


def _subcommands(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    (commands,) = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    return dict(commands.choices)


COMMANDS = sorted(_subcommands(build_parser()))
SIMULATE = sorted(_subcommands(_subcommands(simulate.build_parser())["simulate"]))  # serve, db, register


def help_of(capsys, *argv: str) -> str:
    with pytest.raises(SystemExit) as exit_:
        main(list(argv))
    out, err = capsys.readouterr()
    assert exit_.value.code == 0, err
    assert err == ""
    return out


def test_the_commands_are_the_ones_the_readme_lists():
    assert COMMANDS == sorted(["simulate", "check-sources", "refresh", "reset", "brief", "draw", "ui", "sql",
                               "doctor", "rejects", "web", "users", "inspections"])
    assert SIMULATE == ["db", "register", "serve"]


def test_cchc_help_lists_every_command(capsys):
    out = help_of(capsys, "--help")
    assert out.startswith("usage: cchc ")
    for name in COMMANDS:
        assert f"\n    {name} " in out or f"\n    {name}\n" in out, name
    assert "`cchc simulate --help` for its commands" in " ".join(out.split())


@pytest.mark.parametrize("name", COMMANDS)
def test_each_command_answers_help(capsys, name):
    out = help_of(capsys, name, "--help")
    assert out.startswith(f"usage: cchc {name}")


def test_simulate_help_lists_its_commands(capsys):
    # `cchc simulate` hands everything to the simulator's parser: --help too (it used to be refused)
    out = help_of(capsys, "simulate", "--help")
    assert out.startswith("usage: cchc simulate [-h] COMMAND ...")
    for name in SIMULATE:
        assert f"\n    {name} " in out, name
    assert help_of(capsys, "simulate", "-h") == out


@pytest.mark.parametrize("name", SIMULATE)
def test_each_simulate_command_answers_help(capsys, name):
    assert help_of(capsys, "simulate", name, "--help").startswith(f"usage: cchc simulate {name}")


def test_simulate_without_a_command_says_which_exist(capsys):
    with pytest.raises(SystemExit) as exit_:
        main(["simulate"])
    assert exit_.value.code == 2
    assert capsys.readouterr().err == ("cchc simulate: the following arguments are required: COMMAND "
                                       "(`cchc simulate --help` explains the arguments)\n")


def _arguments(parser: argparse.ArgumentParser):
    return [a for a in parser._actions if not isinstance(a, argparse._HelpAction | argparse._SubParsersAction)]


def test_every_argument_is_explained():
    missing = []
    parsers = {name: p for name, p in _subcommands(build_parser()).items() if name != "simulate"}
    simulator = _subcommands(_subcommands(simulate.build_parser())["simulate"])
    parsers |= {f"simulate {name}": p for name, p in simulator.items()}
    for name, parser in parsers.items():
        for action in _arguments(parser):
            label = action.option_strings[-1] if action.option_strings else action.dest
            if not action.help and (name, label) not in WITHOUT_HELP:
                missing.append(f"cchc {name} {label}")
    assert not missing, "arguments without a help text: " + ", ".join(missing)


# --- the systems: from the declarations --------------------------------------------------------------

DECLARED = ["directory", "qlvb", "baocao", "motcua", "nhiemvu", "donthu", "kiemtra"]  # sources/catalog.py


def test_reset_offers_every_declared_system_and_all(capsys):
    assert [s.name for s in SYSTEMS] == DECLARED
    out = " ".join(help_of(capsys, "reset", "--help").split())  # argparse wraps the help text
    assert "SYSTEM the system: directory, qlvb, baocao, motcua, nhiemvu, donthu, kiemtra; or all (every " \
           "system)" in out
    for name in [*DECLARED, "all"]:
        assert build_parser().parse_args(["reset", name]).system == name
    with pytest.raises(SystemExit):
        build_parser().parse_args(["reset", "everything"])
    assert "invalid choice: 'everything' (choose from 'directory', 'qlvb', 'baocao', 'motcua', 'nhiemvu', " \
           "'donthu', 'kiemtra', 'all')" in capsys.readouterr().err


def test_a_system_declared_later_is_offered_too(monkeypatch, capsys):
    toy = dataclasses.replace(SYSTEMS[1], name="toy")
    monkeypatch.setattr(cchc.cli, "SYSTEMS", (*SYSTEMS, toy))
    assert build_parser().parse_args(["reset", "toy"]).system == "toy"
    assert build_parser().parse_args(["rejects", "toy"]).system == "toy"
    assert "kiemtra, toy; or all" in " ".join(help_of(capsys, "reset", "--help").split())


@pytest.mark.parametrize("argv", [["rejects", "kiemtra"], ["rejects", "--system", "kiemtra"]])
def test_rejects_takes_the_system_either_way(argv):
    # docs/inspection-cycle.md writes `cchc rejects kiemtra`, the rest `--system kiemtra`: both mean one system
    args = build_parser().parse_args(argv)
    assert (args.system or args.system_option) == "kiemtra"


@pytest.mark.parametrize(("argv", "message"), [
    (["rejects", "qlvb", "--system", "motcua"], "cchc rejects: argument --system: not allowed with argument SYSTEM"),
    (["rejects", "qlbv"], "cchc rejects: argument SYSTEM: invalid choice: 'qlbv' (choose from 'directory', 'qlvb', "
                          "'baocao', 'motcua', 'nhiemvu', 'donthu', 'kiemtra')"),
    (["rejects", "--bogus"], "cchc rejects: unrecognized arguments: --bogus"),
    (["simulate", "serve", "--bogus"], "cchc simulate serve: unrecognized arguments: --bogus"),
    (["simulate", "serve", "--port", "x"], "cchc simulate serve: argument --port: invalid int value: 'x'"),
    (["draw"], "cchc draw: one of the arguments --n --replay --list is required"),
])
def test_a_refused_command_line_is_one_line_naming_its_help(capsys, argv, message):
    # argparse printed the usage first, and blamed `cchc` for what a subcommand did not know
    with pytest.raises(SystemExit) as exit_:
        main(argv)
    command = message.split(":")[0]
    assert exit_.value.code == 2
    assert capsys.readouterr().err == f"{message} (`{command} --help` explains the arguments)\n"


@pytest.mark.parametrize(("argv", "debug"), [
    (["refresh", "--debug"], True),  # README: "add `--debug` for Dagster's event log and the traceback"
    (["--debug", "refresh"], True),
    (["refresh"], False),
    (["--debug", "rejects", "kiemtra"], True),
    (["doctor", "--debug"], True),
])
def test_debug_goes_before_or_after_the_command(argv, debug):
    assert build_parser().parse_args(argv).debug is debug
