"""Run the ``cspolicy`` command with the fused loops off: the careful engine only.

python bench/careful.py run POLICY FILE ... -o DIR

The reference ``bench/suite.py`` compares each scenario's files with: every optimisation must
write byte-identical files. (The CLI itself takes the careful engine only when it shows
progress on a terminal, or when the fused loop meets an irregular row.)
"""

import cspolicy.engine.fastpath
from cspolicy.cli.main import main

cspolicy.engine.fastpath.run_clean = lambda prep, tables, sinks=None: False  # type: ignore[assignment]

if __name__ == "__main__":
    main()
