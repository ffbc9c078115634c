"""The rooms database: tables (models), reads (queries) and what occupies a room (occupancy)."""
