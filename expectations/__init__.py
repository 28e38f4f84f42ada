"""The quality checks on the warehouse: Great Expectations suites declared in code (`suites`)."""
