"""cspolicy: policy-as-code for customer-service departments."""

__version__ = "0.1.0"
