"""Directory editions and feeds: full editions and deltas, what each contained, recipients and deliveries."""
