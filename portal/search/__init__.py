"""Full-text search over the portal's public content."""
