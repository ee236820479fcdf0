"""`python -m veilleur.cli`: the `veilleur` command."""

from veilleur.cli import main

main()
