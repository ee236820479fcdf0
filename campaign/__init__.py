"""The campaign: the unit of work (one service run) and the executor that runs many of them."""
