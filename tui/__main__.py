"""``python -m tui FILE`` runs the same command as ``entity-reader``."""

import sys

from tui.cli import main

sys.exit(main())
