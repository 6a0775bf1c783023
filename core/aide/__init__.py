"""AIDE services around workflows: the artifact store (dedup, integrity, GC, tiers, search), model pool, arbitration."""
