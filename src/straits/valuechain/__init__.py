"""Value-chain engine: chip supply chain (ETO) and input-output propagation (WIOD).

:mod:`straits.valuechain.chips` covers who supplies each step of chipmaking;
:mod:`straits.valuechain.io` propagates supply cuts through world input-output tables.
"""
