"""Put this checkout's sizing_xl first on sys.path, so a script runs the code beside it."""

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
