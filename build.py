"""Build the site: ``python build.py`` (content/ → site/); ``--help`` for the options."""

import sys
from pathlib import Path

from policybriefs.cli import main

if __name__ == "__main__":
    sys.exit(main(project_dir=Path(__file__).resolve().parent))
