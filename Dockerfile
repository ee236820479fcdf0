# Veilleur with Debian's Chromium (its headless shell). Build: docker build -t veilleur .
# Run:   docker run --rm -v veilleur-data:/data veilleur run
FROM python:3.11-slim-bookworm

RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
      chromium-headless-shell fonts-dejavu-core fonts-liberation fonts-noto-color-emoji ca-certificates \
 && rm -rf /var/lib/apt/lists/*

RUN useradd --create-home --uid 10001 veilleur \
 && mkdir -p /data && chown veilleur:veilleur /data

WORKDIR /app
COPY pyproject.toml README.md ./
COPY foundation ./foundation
COPY probes ./probes
COPY checks ./checks
COPY storage ./storage
COPY reports ./reports
COPY campaign ./campaign
COPY veilleur ./veilleur
COPY scheduler.py ./
RUN pip install --no-cache-dir . && python -m probes.axe_locale --fetch

USER veilleur
ENV VEILLEUR_CHROMIUM=/usr/lib/chromium/chromium-headless-shell \
    VEILLEUR_DATA_DIR=/data \
    PYTHONUNBUFFERED=1
VOLUME ["/data"]
ENTRYPOINT ["veilleur"]
CMD ["--help"]
