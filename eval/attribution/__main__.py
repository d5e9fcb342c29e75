"""``python -m eval.attribution``: print precision, recall and the misses."""

import sys

from eval.attribution import main

sys.exit(main())
