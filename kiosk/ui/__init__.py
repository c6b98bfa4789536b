"""The kiosk's screens: the citizen touch UI at `/` and the front desk at `/desk`."""

from pathlib import Path

UI_DIR = Path(__file__).parent
