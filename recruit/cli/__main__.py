"""`python -m recruit.cli`: the `recruit` command."""

import sys

from recruit.cli import main

sys.exit(main())
