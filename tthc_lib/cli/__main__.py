"""`python -m tthc_lib.cli`."""

import sys

from .main import main

sys.exit(main())
