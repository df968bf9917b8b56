"""Pure domain code: reading, extraction, scoring, typos. No Flask, no database."""

from recruit.core.spacy_import import leave_out_spacy_cli

leave_out_spacy_cli()
