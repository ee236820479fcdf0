"""`python -m veilleur.demo [--host H] [--registry FILE]`: serve the demo sites until interrupted."""

import sys

from veilleur.demo.server import main

sys.exit(main())
