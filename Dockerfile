# Image for web, worker and beat (see docker-compose.yml).
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 DATA_DIR=/data STATIC_ROOT=/app/static-root
RUN apt-get update \
    && apt-get install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY . .
RUN pip install --no-cache-dir -e . \
    && DEBUG=0 SECRET_KEY=build-only-not-secret python manage.py collectstatic --noinput -v0 \
    && useradd --system --home /app msoko && mkdir -p /data && chown msoko /data
USER msoko
EXPOSE 8000
CMD ["gunicorn", "msoko.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", "--timeout", "120"]
