"""The shell: the `veilleur` command, the demo and the evaluation corpus; nothing imports it."""
