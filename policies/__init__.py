"""The shipped policy library: YAML files installed with cspolicy as ``cspolicy.policies``."""
