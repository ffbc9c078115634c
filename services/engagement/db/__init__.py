"""Tables of the engagement service (its own database only) and the queries over them."""
