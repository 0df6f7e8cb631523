"""Movie lists: who may see them (privacy) and how they are written and filled (writes)."""
