# The SLI warehouse on the official Airflow image: the same locked dependencies as `uv.lock`.
FROM apache/airflow:3.3.2-python3.11

USER root
RUN mkdir -p /opt/sli/data && chown -R airflow:0 /opt/sli
USER airflow
WORKDIR /opt/sli

COPY --chown=airflow:0 requirements/bootstrap.txt ./
COPY --chown=airflow:0 pyproject.toml uv.lock README.md ./
RUN pip install --no-cache-dir --require-hashes -r bootstrap.txt \
    && uv export --frozen --no-dev --no-emit-project --format requirements-txt --output-file /tmp/runtime.txt \
    && pip install --no-cache-dir --require-hashes -r /tmp/runtime.txt \
    && rm /tmp/runtime.txt

COPY --chown=airflow:0 core ./core
COPY --chown=airflow:0 ingestion ./ingestion
COPY --chown=airflow:0 warehouse ./warehouse
COPY --chown=airflow:0 reporting ./reporting
COPY --chown=airflow:0 sli ./sli
COPY --chown=airflow:0 dags ./dags
COPY --chown=airflow:0 dbt_project ./dbt_project
COPY --chown=airflow:0 expectations ./expectations
RUN pip install --no-cache-dir --no-deps . && python -m compileall -q core ingestion warehouse reporting sli dags

ENV SLI_HOME=/opt/sli/data \
    SLI_PROJECT_DIR=/opt/sli \
    AIRFLOW__CORE__DAGS_FOLDER=/opt/sli/dags
