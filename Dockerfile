# Veilleur with Debian's Chromium (its headless shell); docs/deploiement.md tells how to run it.
#   docker build -t veilleur .          (or `make image`: docker or podman, whichever is there)
#   docker run --rm -v veilleur-data:/data veilleur demo --out rapport
# BASE: any Debian bookworm with Python 3.11 and pip. On a machine that reaches no image registry,
# deploy/test-image.sh makes one with mmdebstrap and passes it as --build-arg BASE=….
ARG BASE=python:3.11-slim-bookworm
FROM ${BASE}

# One apt layer, its lists removed in it. libatomic1: the Node.js that runs Playwright's driver
# needs it, and slim Debian bases lack it ("libatomic.so.1: cannot open shared object file").
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
      chromium-headless-shell fonts-dejavu-core fonts-liberation fonts-noto-color-emoji ca-certificates libatomic1 \
 && apt-get clean \
 && rm -rf /var/lib/apt/lists/* /var/cache/debconf/*-old /var/log/apt /var/log/dpkg.log

RUN useradd --create-home --uid 10001 veilleur \
 && mkdir -p /data && chown veilleur:veilleur /data

# The sources are installed, not kept: no build tree, no pip cache left in the layer.
WORKDIR /src
COPY pyproject.toml README.md ./
COPY foundation ./foundation
COPY probes ./probes
COPY checks ./checks
COPY storage ./storage
COPY reports ./reports
COPY campaign ./campaign
COPY veilleur ./veilleur
COPY scheduler.py ./
RUN pip install --no-cache-dir --no-compile . \
 && python -m probes.axe_locale --fetch \
 && cd / && rm -rf /src /root/.cache

# The volume is the working directory: a relative path (`veilleur demo --out rapport`) lands where
# uid 10001 may write, not in a root-owned folder.
WORKDIR /data
USER veilleur
ENV VEILLEUR_CHROMIUM=/usr/lib/chromium/chromium-headless-shell \
    VEILLEUR_DATA_DIR=/data \
    PYTHONUNBUFFERED=1
VOLUME ["/data"]
ENTRYPOINT ["veilleur"]
CMD ["--help"]
