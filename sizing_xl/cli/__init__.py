"""The `sizing` command: the sizing itself (main.py), its flags (flags.py), the planning
commands (plan.py), calibrate.py, model_from_config.py, and what they share (common.py)."""

from sizing_xl.cli.main import COMMANDS, PLAN_COMMANDS, build_parser, main, run

__all__ = ["COMMANDS", "PLAN_COMMANDS", "build_parser", "main", "run"]
