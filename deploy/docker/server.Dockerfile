# The Muster server as a container image. Build from the repository root:
#   docker build -f deploy/docker/server.Dockerfile -t muster .
#   podman build --runtime runc -f deploy/docker/server.Dockerfile -t muster .
# Run it with its data dir on a volume (database, master key, CA: back it up, docs/operations.md):
#   docker run -d -p 8443:8443 -v muster-data:/var/lib/muster -e MUSTER_PUBLIC_URL=https://muster.example.com:8443 muster
# With PostgreSQL: deploy/docker/compose.yaml; on Kubernetes: deploy/kubernetes/muster.yaml.
# NODE_IMAGE is the Node.js image both stages start from (22 or 24, Debian bookworm); AGENT_ZSTD_LEVEL is how hard
# the agent downloads are compressed (19: about two minutes of build for the smallest downloads).
ARG NODE_IMAGE=node:22-bookworm-slim

FROM ${NODE_IMAGE} AS build
ARG AGENT_ZSTD_LEVEL=19
# Where the build keeps the Bun runtimes it fetches (a directory mounted into the build saves fetching them again).
ARG MUSTER_AGENT_CACHE=
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
# Built once here (server, web UI, agent executables for every platform); the image runs dist/ with the production
# packages only.
RUN node scripts/build.mjs --zstd-level ${AGENT_ZSTD_LEVEL} && npm prune --omit=dev && rm -rf node_modules/.cache

FROM ${NODE_IMAGE}
ENV NODE_ENV=production \
    MUSTER_DATA_DIR=/var/lib/muster \
    MUSTER_LISTEN=0.0.0.0:8443 \
    MUSTER_LOG_FORMAT=json
RUN useradd --system --home-dir /var/lib/muster --shell /usr/sbin/nologin muster \
 && install -d -o muster -g muster -m 0700 /var/lib/muster
WORKDIR /opt/muster
COPY --from=build /src/package.json /src/package-lock.json ./
COPY --from=build /src/node_modules ./node_modules
COPY --from=build /src/bin ./bin
COPY --from=build /src/dist ./dist
COPY --from=build /src/deploy/install ./deploy/install
USER muster
VOLUME /var/lib/muster
EXPOSE 8443
# The port the server listens on, whatever MUSTER_LISTEN says.
HEALTHCHECK --interval=30s --timeout=5s \
  CMD ["node", "-e", "const p=(process.env.MUSTER_LISTEN||'').split(':').pop()||8443;require('node:https').get({host:'127.0.0.1',port:p,path:'/healthz',rejectUnauthorized:false},r=>process.exit(r.statusCode===200?0:1)).on('error',()=>process.exit(1))"]
# SIGTERM (docker stop) makes the server tell its agents to reconnect and close the database cleanly.
ENTRYPOINT ["node", "bin/muster.js"]
CMD ["server"]
