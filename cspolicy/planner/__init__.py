"""Stage 2: a validated policy model (:mod:`cspolicy.schema`) becomes a checked, compiled
policy (:class:`~cspolicy.planner.policy.Policy`) with its plan (:mod:`.plan`).

Everything that can be wrong in a policy is found here, at load time, with ``file:line``
(:mod:`.build` and its ``build_*`` helpers: parameters, inputs, lookups, bands, outputs,
joins, windows, schedules). After this stage only input data can fail. Nothing here reads a
data file or runs a row.
"""
