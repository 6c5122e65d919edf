"""The bad-input catalogue, one module of cases per area (see common.py)."""
