# The facekg API and website on Neo4j (see docker-compose.yml). Build: docker build -t facekg .
# The website's npm packages (package-lock.json) are installed in their own stage and vendored into the package.
FROM node:20-slim AS assets
WORKDIR /assets
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts --no-audit --no-fund

FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /app
COPY . /app
COPY --from=assets /assets/node_modules /app/node_modules
RUN python scripts/vendor_assets.py --no-npm \
 && rm -rf /app/node_modules \
 && pip install . \
 && useradd --create-home --uid 10001 facekg \
 && mkdir -p /data && chown facekg /data

USER facekg
# Where the server binds is the operator's choice: FACEKG_HOST (and FACEKG_PORT), read by `facekg serve`; the
# command names no --host so the variable is what counts. The image default is every interface of the
# container's own network namespace (reachable only through a published port; docker-compose.yml publishes it
# on 127.0.0.1 of the host). Set FACEKG_HOST=127.0.0.1 for a sidecar proxy in the same namespace.
ENV FACEKG_BACKEND=neo4j \
    FACEKG_DATA_DIR=/data \
    FACEKG_HOST=0.0.0.0 \
    FACEKG_PORT=8000
EXPOSE 8000
CMD ["facekg", "serve"]
