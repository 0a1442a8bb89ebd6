# syntax=docker/dockerfile:1
# One Dockerfile for every service: `--build-arg APP=<app>` picks which one the image runs.
# Each image carries only its own compiled code and the production dependencies of the lockfile.

FROM node:24-bookworm-slim AS build
WORKDIR /workspace
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund --ignore-scripts || npm install --no-audit --no-fund --ignore-scripts
COPY tsconfig.base.json ./
COPY tools/build ./tools/build
COPY libs ./libs
COPY apps ./apps
ARG APP
RUN test -n "$APP" && node tools/build/build-app.mjs "$APP" \
 && echo "require('./apps/${APP}/src/main.js');" > "dist/apps/${APP}/main.js" \
 && npm prune --omit=dev --no-audit --no-fund

FROM node:24-bookworm-slim AS runtime
ARG APP
ENV NODE_ENV=production
WORKDIR /app
COPY --from=build --chown=root:root /workspace/node_modules ./node_modules
COPY --from=build --chown=root:root /workspace/dist/apps/${APP} ./
USER node
CMD ["node", "--enable-source-maps", "main.js"]
