"""The version of cspolicy (one place: the package, the run record, the workbook summary and
``setup.cfg`` read it here)."""

__version__ = "0.1.0"
