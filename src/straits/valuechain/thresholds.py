"""The chip-chain thresholds, in one light module (the CLI reads them for its defaults).

Findings and help texts quote these constants, never literal numbers.
"""

#: Top single-country share at or above which an input is a chokepoint (SIA/BCG 2021: 65%).
COUNTRY_THRESHOLD = 0.65
#: Combined share of the three largest firms at or above which an input is a chokepoint.
FIRM_TOP3_THRESHOLD = 0.90
#: Combined share of a country pair at or above which the pair jointly dominates an input.
JOINT_THRESHOLD = 0.65
#: Share below which a country counts as weak on an input.
WEAK_THRESHOLD = 0.10
