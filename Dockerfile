# Production-like image for Skydd (web, worker and beat share it; see docker-compose.yml).
FROM python:3.13-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    UV_PROJECT_ENVIRONMENT=/opt/venv \
    PATH=/opt/venv/bin:$PATH

RUN apt-get update \
    && apt-get install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 \
       libharfbuzz-subset0 fonts-dejavu-core \
    && rm -rf /var/lib/apt/lists/* \
    && pip install --no-cache-dir uv==0.13.8 \
    && useradd --system --uid 10001 --home /app skydd

WORKDIR /app
COPY pyproject.toml uv.lock ./
RUN uv sync --frozen --no-dev --no-install-project
COPY . .
# collectstatic needs settings that start; these throwaway values exist only in this layer.
RUN DEBUG=0 SECRET_KEY=build-only-$(head -c 48 /dev/urandom | base64 | tr -d '/+=\n') \
    PERSONNUMMER_HMAC_KEY=build-only-$(head -c 32 /dev/urandom | base64 | tr -d '/+=\n') \
    python manage.py collectstatic --noinput -v0 \
    && chown -R skydd /app/var

USER skydd
EXPOSE 8000
CMD ["gunicorn", "skydd.wsgi", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-", "--access-logformat", "%(h)s %(t)s \"%(m)s %(U)s\" %(s)s %(L)s"]
