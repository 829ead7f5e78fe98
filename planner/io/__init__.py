"""Reading files from other tools (CSV and Excel exports) into the plan. No Qt here."""
