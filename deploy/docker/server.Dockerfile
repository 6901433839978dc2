# The Muster server as a container image. Build from the repository root:
#   docker build -f deploy/docker/server.Dockerfile -t muster .
# Run it with its data dir on a volume (database, master key, CA: back it up, docs/operations.md):
#   docker run -d -p 8443:8443 -v muster-data:/var/lib/muster -e MUSTER_PUBLIC_URL=https://muster.example.com:8443 muster
# With PostgreSQL: deploy/docker/compose.yaml.
FROM node:20-bookworm-slim AS build
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
# Built once here; the image runs dist/ with the production packages only.
RUN npm run build && npm prune --omit=dev

FROM node:20-bookworm-slim
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
HEALTHCHECK --interval=30s --timeout=5s \
  CMD ["node", "-e", "require('node:https').get({host:'127.0.0.1',port:8443,path:'/healthz',rejectUnauthorized:false},r=>process.exit(r.statusCode===200?0:1)).on('error',()=>process.exit(1))"]
# SIGTERM (docker stop) makes the server tell its agents to reconnect and close the database cleanly.
ENTRYPOINT ["node", "bin/muster.js"]
CMD ["server"]
