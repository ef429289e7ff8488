"""Build a browsable record of who promised what at China's regional cooperation meetings."""

__version__ = "0.1.0"
