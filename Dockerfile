# sel104: one image for the server and the projector (docker-compose.yml runs it twice).
# Debian slim rather than Alpine: DuckDB's prebuilt Node bindings need glibc.
FROM node:20.20.2-bookworm-slim

WORKDIR /app

# Chromium prints the council report's PDF (sel104 council-report --format pdf); DejaVu covers æøå.
RUN apt-get update \
 && apt-get install -y --no-install-recommends chromium fonts-dejavu-core \
 && rm -rf /var/lib/apt/lists/*

# Dependencies first, so a change to the sources does not reinstall them. tsx is a runtime
# dependency: bin/sel104.js runs the TypeScript sources through it, there is no build step.
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force

COPY tsconfig.json ./
COPY bin ./bin
COPY schemas ./schemas
COPY standards ./standards
COPY producers ./producers
COPY consumers ./consumers
COPY reports ./reports
COPY dashboards ./dashboards
COPY cli ./cli

# The sources stay root's and read-only; the process writes only to /data. The directories are
# made before VOLUME so that a new named volume starts with them, owned by the node user.
RUN mkdir -p /data/projector /data/published && chown -R node:node /data
USER node
ENV SEL104_DB=/data/sel104.duckdb
VOLUME /data

EXPOSE 8104
# No HEALTHCHECK here: the image runs as the server or as the projector, and only the server
# answers HTTP; docker-compose.yml gives each service its own.
ENTRYPOINT ["node", "bin/sel104.js"]
CMD ["--help"]
