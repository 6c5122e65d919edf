"""Bundles: a policy made of other policies (``use:``), run as one.

A bundle names its components (shipped policies or files), the outputs of each it uses,
and adds its own inputs and outputs. Each component is run exactly as it runs alone (its
own parameters, its own reading of the shared input files), and the rows of the outputs it
gives become tables the bundle's own outputs read by the name ``component.output``:

* :mod:`cspolicy.compose.load` loads the components when the bundle loads and gives the
  bundle an input (and an output that shows it) for every component output it uses;
* :mod:`cspolicy.compose.run` runs the components over the run's files or rows and hands
  their rows to the bundle's run.
"""

from __future__ import annotations

from cspolicy.compose.load import Component, bundle_model, file_inputs, is_component_table

__all__ = ["Component", "bundle_model", "file_inputs", "is_component_table"]
