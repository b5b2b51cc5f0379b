"""`python -m namecard` is the `namecard` command."""

import sys

from namecard.cli import main

sys.exit(main())
