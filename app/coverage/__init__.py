"""Coverage for planners: who is within N minutes of a centre, where the gaps are, where to add sites."""
