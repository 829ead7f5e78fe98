"""Plain domain types and rules: money, periods, pipeline rules. Standard library only."""
