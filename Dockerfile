# syntax=docker/dockerfile:1
# One image for every service: `docker run <image> <app> [args]` starts `command-service`,
# `query-gateway`, `projector-mongo`, `projector-redis` or `operator-cli`.
#
# Why one image and not one per app: the apps share every dependency and most of their code (the
# domain, the event store, the projection runtime), and they must run the same event schemas and
# upcasters. One image is one thing to build, scan, sign, mirror and pin, its layers are pulled once
# per node, and a release cannot mix versions of the services by accident.
#
# Base: Node's current LTS line on Debian slim (glibc, the platform the Node project supports first).
# Pin it by digest in your registry mirror for byte-for-byte rebuilds. Dependencies come from
# package-lock.json. The lockfile was written against a registry mirror that lacks other platforms'
# optional native binaries (@swc/core, unrs-resolver), and `npm ci` refuses a lockfile missing them;
# `npm install` then installs the same locked versions and resolves only those binaries, whose
# versions their parents pin exactly. Production dependencies have no native code.
ARG NODE_IMAGE=node:26-trixie-slim

FROM ${NODE_IMAGE} AS build
WORKDIR /workspace
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund --ignore-scripts || npm install --no-audit --no-fund --ignore-scripts
COPY tsconfig.base.json ./
COPY tools/build ./tools/build
COPY libs ./libs
COPY apps ./apps
RUN node tools/build/build-app.mjs --image dist/image

FROM ${NODE_IMAGE} AS production-dependencies
WORKDIR /workspace
COPY package.json package-lock.json ./
# Type declarations, source maps and docs are not needed to run: 95 MB of dependencies become 52 MB.
RUN (npm ci --omit=dev --no-audit --no-fund --ignore-scripts || npm install --omit=dev --no-audit --no-fund --ignore-scripts) \
 && npm cache clean --force \
 && find node_modules -type f \( -name '*.d.ts' -o -name '*.d.mts' -o -name '*.d.cts' -o -name '*.map' -o -name '*.md' \) -delete

FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production
WORKDIR /app
COPY --from=production-dependencies --chown=root:root /workspace/node_modules ./node_modules
COPY --from=build --chown=root:root /workspace/dist/image ./
# The code is owned by root and read-only to the service, which runs as the unprivileged `node` user
# (uid 1000; the Kubernetes manifests also set a read-only root filesystem).
USER node
# The services handle SIGTERM themselves (finish in-flight work, commit, leave the group); Node as
# PID 1 receives it directly because the entry point is exec-form.
ENTRYPOINT ["node", "--enable-source-maps", "run.js"]
CMD ["query-gateway"]
