"""pytest set-up for the training stage's Python: `lib/training/local/` on sys.path."""

import os
import sys

LOCAL = os.path.join(os.path.dirname(__file__), "..", "..", "lib", "training", "local")
sys.path.insert(0, os.path.abspath(LOCAL))
