"""Gateway Lab: watch Amazon API Gateway work."""
