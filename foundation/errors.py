"""Errors that reach the user as one line naming the bad input (exit code 2)."""


class InputError(Exception):
    """Bad input from the user: a file, a row, a field, an option. The message names it."""
