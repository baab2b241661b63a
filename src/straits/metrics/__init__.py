"""Trade metrics: totals, market shares, concentration (HHI), RCA, bilateral indices, complexity.

Every function takes a :class:`~straits.session.Session` first, keyword-only options, and
returns a long pandas DataFrame with a ``year`` column (``year`` may be one year or a list)
and the BACI citation in ``df.attrs["source"]``.
Modules: :mod:`~straits.metrics.shares`, :mod:`~straits.metrics.concentration`,
:mod:`~straits.metrics.rca`, :mod:`~straits.metrics.bilateral`,
:mod:`~straits.metrics.complexity`; the dense maths is in :mod:`straits._kernels.complexity`.
"""
