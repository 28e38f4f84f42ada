"""One parser per source: each turns a landed file into typed tables and quarantined rows."""
