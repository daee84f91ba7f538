"""Services: load and store, taking a Session and raising domain errors."""
