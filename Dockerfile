# The flink-deploy worker image (docs/helm.md). Three stages: `pack` builds and packs this checkout exactly as
# `npm pack` does for the registry; `install` installs that tarball the way a user does (`npm install -g`, no dev
# dependencies); the final stage holds Node 22 and the installed package only, and runs as a non-root user.
#   docker build -t flink-deploy-worker:0.1.0 .
# test/faults/dockerfile.test.ts runs the install stage's RUN and the ENTRYPOINT (read from this file)
# against a packed tarball; no image is built in the tests (base images cannot be pulled there).
ARG NODE_IMAGE=node:22.23.3-bookworm-slim

FROM ${NODE_IMAGE} AS pack
WORKDIR /src
COPY . .
# `npm ci` runs `prepare` (npm run build: dist/ and the prebuilt workflow bundle); `npm pack` writes the tarball.
RUN npm ci --no-audit --no-fund && mkdir /pack && npm pack --pack-destination /pack && mv /pack/flink-deploy-*.tgz /pack/flink-deploy.tgz

FROM ${NODE_IMAGE} AS install
COPY --from=pack /pack/flink-deploy.tgz /pack/flink-deploy.tgz
RUN npm install --global --omit=dev --no-audit --no-fund --prefix /opt/flink-deploy /pack/flink-deploy.tgz

FROM ${NODE_IMAGE}
# MALLOC_ARENA_MAX=2: glibc's malloc arenas held ~100 MB more at a thousand applications (docs/fleet.md).
ENV NODE_ENV=production \
    PATH=/opt/flink-deploy/bin:$PATH \
    HOME=/tmp \
    MALLOC_ARENA_MAX=2
COPY --from=install /opt/flink-deploy /opt/flink-deploy
# Any non-root uid works (the chart runs 10001); nothing under / is written: --read-only with a /tmp volume is fine.
USER 10001:10001
# Node is PID 1 and gets the signals itself: the worker handles SIGTERM/SIGINT (the Temporal runtime's shutdown
# signals: stop polling, let the running activity be retried elsewhere, exit) and starts no child processes.
ENTRYPOINT ["/opt/flink-deploy/bin/flink-deploy"]
CMD ["worker"]
