"""Who may change the catalogue, how changes are checked and audited, and rider reports."""
