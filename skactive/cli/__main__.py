"""``python -m skactive.cli``: the ``skactive`` command."""

import sys

from . import main

sys.exit(main())
