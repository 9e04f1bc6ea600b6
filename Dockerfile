# Production image on Node 24 LTS. On a host with internet, `npm ci` runs mediasoup's
# postinstall, which fetches its prebuilt worker. Where that download is impossible
# (air-gapped build hosts with only an npm registry and a Debian mirror), npm ci fails and
# rolls back; we then install without it and build the worker from Debian packages with
# the repository's own script (README, "Offline / air-gapped hosts").
FROM node:24-bookworm AS build
WORKDIR /app
RUN apt-get update && apt-get install -y --no-install-recommends python3-pip build-essential \
      g++ pkg-config meson ninja-build libuv1-dev libssl-dev libsrtp2-dev libusrsctp-dev libabsl-dev libflatbuffers-dev flatbuffers-compiler \
    && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
COPY scripts ./scripts
RUN npm ci || (MEDIASOUP_WORKER_BIN=skip npm ci && MS_SKIP_APT=1 bash scripts/build-mediasoup-worker.sh .)
COPY . .
RUN npm run build && npm prune --omit=dev

FROM node:24-bookworm-slim
# ffmpeg: recordings; fonts-noto-cjk: court documents; poppler-utils: pdfsig (signed PDFs) and reading PDFs;
# tesseract-ocr + tesseract-ocr-chi-sim: the reading review's OCR (simplified Chinese), offline.
# libuv1, libsrtp2-1, libusrsctp2, libabsl20220623: the shared libraries of a worker built from Debian packages.
RUN apt-get update && apt-get install -y --no-install-recommends ffmpeg fonts-noto-cjk poppler-utils tesseract-ocr tesseract-ocr-chi-sim \
      libuv1 libsrtp2-1 libusrsctp2 libabsl20220623 \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /app
ENV NODE_ENV=production
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY --from=build /app/client/dist ./client/dist
EXPOSE 3000
CMD ["node", "dist/server/main.js"]
