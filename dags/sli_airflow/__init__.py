"""Airflow glue for the DAG files beside it: shared wiring, task bodies and the `dag.test()` runner.
Listed in `.airflowignore`, so the scheduler does not parse it for DAGs."""
