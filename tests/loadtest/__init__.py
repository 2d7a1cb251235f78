"""make loadtest / make cluster-test: whole conversations at once against `make cluster`."""
