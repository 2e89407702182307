"""One generator per system: each yields the life of every record created on a given day."""
