# PAC web, worker and beat image. WeasyPrint needs pango and fonts from the system; clip processing
# uses Debian's ffmpeg (PAC_FFMPEG; outside Docker the imageio-ffmpeg package brings its own).
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    UV_PYTHON_DOWNLOADS=never \
    UV_PROJECT_ENVIRONMENT=/opt/venv \
    PATH="/opt/venv/bin:$PATH" \
    DJANGO_SETTINGS_MODULE=pac.settings.production \
    MPLCONFIGDIR=/tmp/matplotlib \
    PAC_FFMPEG=/usr/bin/ffmpeg

RUN apt-get update \
 && apt-get install -y --no-install-recommends \
      libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b libharfbuzz-subset0 libffi8 \
      fonts-dejavu-core fonts-liberation2 shared-mime-info ffmpeg \
 && rm -rf /var/lib/apt/lists/*

WORKDIR /app
RUN pip install --no-cache-dir uv
COPY pyproject.toml uv.lock ./
RUN uv sync --frozen --no-dev --no-install-project
COPY . .
# collectstatic needs settings that import; these values exist only at build time
RUN SECRET_KEY=build ALLOWED_HOSTS=localhost DATABASE_URL=sqlite:////tmp/build.sqlite3 \
    REDIS_URL=redis://localhost:6379/0 EMAIL_URL=consolemail:// PAC_BASE_URL=http://localhost \
    python manage.py collectstatic --noinput

RUN useradd --system --uid 1000 pac && mkdir -p /var/lib/pac/media && chown -R pac /var/lib/pac
USER pac
EXPOSE 8000
CMD ["gunicorn", "pac.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-"]
