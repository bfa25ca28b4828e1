# Gateway Lab's app image for compose.yaml (docs/self-hosting.md). Written without a container
# runtime at hand: build it on a staging host first.
FROM python:3.11-slim
RUN apt-get update && apt-get install -y --no-install-recommends gettext && rm -rf /var/lib/apt/lists/*
RUN useradd --create-home --uid 1000 app
WORKDIR /srv/gateway-lab
COPY pyproject.toml ./
COPY gateway_lab ./gateway_lab
RUN pip install --no-cache-dir .
COPY . .
RUN DEBUG=true python manage.py compilemessages --ignore=.venv \
    && DEBUG=false SECRET_KEY=build-only python manage.py collectstatic --noinput --verbosity 0
RUN mkdir -p /backups media && chown app /backups media
USER app
EXPOSE 8000
CMD ["sh", "-c", "python manage.py migrate --noinput && python manage.py setup_site && exec uvicorn gateway_lab.asgi:application --host 0.0.0.0 --port 8000 --workers ${WORKERS:-4} --proxy-headers --forwarded-allow-ips='*' --no-server-header --timeout-keep-alive 5"]
