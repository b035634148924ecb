"""Run the command-line interface: ``python -m geo``."""

from geo.cli import main

main()
