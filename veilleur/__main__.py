"""`python -m veilleur`: the `veilleur` command."""

from veilleur.cli import main

main()
