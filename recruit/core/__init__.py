"""Pure domain code: reading, extraction, scoring, typos. No Flask, no database."""
