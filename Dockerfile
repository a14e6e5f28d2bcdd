# The CRM's GraphQL API as `crm serve` runs it; docker-compose.yml puts it in front of Neo4j.
FROM python:3.12-slim

RUN pip install --no-cache-dir uv==0.13.9 \
    && useradd --create-home --uid 10001 crm

WORKDIR /app
ENV UV_COMPILE_BYTECODE=1 \
    UV_LINK_MODE=copy \
    UV_PYTHON_DOWNLOADS=never \
    PATH=/app/.venv/bin:$PATH

# The dependencies first, in a layer of their own that changes only with uv.lock.
COPY pyproject.toml uv.lock README.md ./
RUN uv sync --frozen --no-dev --no-install-project
COPY crm ./crm
COPY graph_loader ./graph_loader
COPY schema ./schema
RUN uv sync --frozen --no-dev

USER crm
ENV CRM_HOST=0.0.0.0 \
    CRM_PORT=8000 \
    CRM_ENV=production \
    CRM_DATA_DIR=/home/crm/crm-data
EXPOSE 8000
CMD ["crm", "serve"]
