"""Stage 3: execute a compiled policy over rows.

:mod:`.files` binds files to inputs and :mod:`.outputs` writes results; :mod:`.run` prepares
a run (parameters, steps, joins, windows) and streams rows through one :class:`~.node.Node`
per output; :mod:`.rowfunctions` generates each output's row function and :mod:`.fastpath`
fuses read, compute and write for clean files; :mod:`.steps` binds the building blocks
(:mod:`cspolicy.blocks`) to a run.
"""
