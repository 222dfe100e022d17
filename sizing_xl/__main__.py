"""`python -m sizing_xl` runs the sizing CLI."""

from sizing_xl.cli import main

main()
