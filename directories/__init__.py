"""Directory listings: PECR regulation 18. Its capabilities arrive with their issue."""
