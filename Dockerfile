# One image for every service; the command picks it (default: the all-in-one), e.g.
#   node -r tsconfig-paths/register dist/apps/marketplace-api/src/main.js
# Node 24 is the current LTS; the code also supports Node 20.19+ (package.json "engines").
FROM node:24-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run build && npm prune --omit=dev

FROM node:24-bookworm-slim
WORKDIR /app
# TS_NODE_BASEURL points tsconfig-paths at the compiled libs, as `npm run start:prod` does.
ENV NODE_ENV=production \
    TS_NODE_BASEURL=./dist \
    PORT=3000 \
    DATA_DIR=/data
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
# The web console (/console): static files, served with the vendor modules from node_modules.
COPY --from=build /app/console ./console
COPY package.json tsconfig.json ./
# The embedded store and a generated audit key live in DATA_DIR: the runtime user must own it.
RUN mkdir -p /data && chown node:node /data
USER node
EXPOSE 3000
# Slim images have no curl: Node's fetch probes liveness.
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/health/live').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
# node is PID 1 (no npm in between), so SIGTERM from `docker stop` reaches the service.
CMD ["node", "-r", "tsconfig-paths/register", "dist/apps/all-in-one/src/main.js"]
