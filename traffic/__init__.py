"""Traffic and location data: PECR regulations 7, 8 and 14. Its capabilities arrive with their issue."""
