"""`python -m namecard` is the `namecard` command."""

import sys

from namecard.cli.main import main

sys.exit(main())
