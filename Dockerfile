# The servicemap service image. Pair it with a PostGIS database (see compose.yaml).
FROM python:3.12-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1
WORKDIR /srv/servicemap

COPY pyproject.toml README.md ./
COPY app ./app
COPY geo ./geo
RUN pip install .

COPY web ./web
COPY data ./data
COPY scripts/docker-entrypoint ./scripts/docker-entrypoint

RUN useradd --system --home /srv/servicemap servicemap && mkdir -p var && chown servicemap var
USER servicemap
ENV SERVICEMAP_NETWORK_DIR=/srv/servicemap/var/network
EXPOSE 8000
ENTRYPOINT ["./scripts/docker-entrypoint"]
