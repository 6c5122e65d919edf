"""The command line around the library: the ``cspolicy`` commands (:mod:`.main`), the
process (exit codes, signals, streams: :mod:`.console`), the language of its messages
(:mod:`.language`), what ``list`` and ``show`` print (:mod:`.library`, :mod:`.describe`),
the progress line and the cache of compiled policies.

Nothing here computes a figure: every command is a thin wrapper over :mod:`cspolicy.planner`
(load a policy) and :mod:`cspolicy.engine` (run it).
"""
