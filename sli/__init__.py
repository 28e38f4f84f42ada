"""`sli`: the command line, and the quarterly refresh it and the Airflow tasks run step by step."""
