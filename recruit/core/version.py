"""The version of what reading and extraction produce, in a module that imports nothing.

Bump it when reading or extraction changes what a stored profile holds. The web process asks
for it without loading spaCy (a reading it keeps for the worker is tagged with it).
"""

EXTRACTOR_VERSION = "11"
