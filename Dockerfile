# syntax=docker/dockerfile:1.7
#
# XCord's container image (issue 17). Every RUN step is a script in deploy/docker/ that tests/deploy/ runs too,
# so a broken step fails `bun run test` on a machine without a container engine.
#
#   docker build -t xcord .                         the node (the last stage, the default target)
#   docker build -t xcord-pgbouncer --target pgbouncer .
#
# Build and runtime stages are the same Debian release (bookworm): mediasoup's worker is compiled against its
# libraries, and scripts/mediasoup/build-worker.sh is written for its meson. Bun comes from Bun's own image at
# the version this repository is tested with.
ARG BUN_VERSION=1.4.5
ARG DEBIAN_RELEASE=bookworm

FROM oven/bun:${BUN_VERSION}-slim AS bun

# ---------------------------------------------------------------------------------------------------- build
FROM debian:${DEBIAN_RELEASE}-slim AS build
COPY --from=bun /usr/local/bin/bun /usr/local/bin/bun
WORKDIR /src
# The build packages first, in a layer of their own: it changes only when the package list does.
COPY scripts/mediasoup/apt-packages.txt scripts/mediasoup/apt-packages.txt
COPY deploy/docker/install-build-deps.sh deploy/docker/install-build-deps.sh
RUN deploy/docker/install-build-deps.sh
COPY . .
# The worker (about 4 minutes on 2 cores) and Bun's package cache survive between builds in BuildKit caches.
ENV XCORD_MEDIASOUP_CACHE=/var/cache/xcord
RUN --mount=type=cache,target=/var/cache/xcord --mount=type=cache,target=/root/.bun/install/cache \
    deploy/docker/build.sh /src /app

# ------------------------------------------------------------------------------------------------ pgbouncer
# PgBouncer for compose.yaml and Kubernetes: Debian's package, run with the shipped deploy/pgbouncer/pgbouncer.ini.
FROM debian:${DEBIAN_RELEASE}-slim AS pgbouncer
COPY deploy/docker/install-pgbouncer.sh deploy/docker/pgbouncer-entrypoint.sh /usr/local/lib/xcord/
RUN /usr/local/lib/xcord/install-pgbouncer.sh
COPY deploy/pgbouncer/pgbouncer.ini /etc/pgbouncer/pgbouncer.ini
USER 10002:10002
EXPOSE 6432/tcp
# SIGINT is PgBouncer's safe shutdown (running transactions finish); SIGTERM would cut them.
STOPSIGNAL SIGINT
HEALTHCHECK --interval=5s --timeout=3s --start-period=10s --retries=3 \
    CMD ["bash", "-c", "exec 3<>/dev/tcp/127.0.0.1/6432"]
ENTRYPOINT ["/usr/local/lib/xcord/pgbouncer-entrypoint.sh"]
CMD ["/etc/pgbouncer/pgbouncer.ini"]

# ---------------------------------------------------------------------------------------------------- xcord
FROM debian:${DEBIAN_RELEASE}-slim AS xcord
COPY --from=bun /usr/local/bin/bun /usr/local/bin/bun
COPY --from=build /app/.runtime-packages /app/deploy/docker/install-runtime-deps.sh /app/deploy/docker/create-user.sh /tmp/xcord-setup/
RUN /tmp/xcord-setup/install-runtime-deps.sh /tmp/xcord-setup/.runtime-packages
RUN /tmp/xcord-setup/create-user.sh
COPY --from=build /app /app
WORKDIR /app
# BUN_RUNTIME_TRANSPILER_CACHE_PATH=0: Bun writes no transpiler cache (the root filesystem can be read-only).
ENV NODE_ENV=production \
    BUN_RUNTIME_TRANSPILER_CACHE_PATH=0 \
    HOST=0.0.0.0 \
    PORT=3000 \
    DATA_DIR=/data \
    LOG_PRETTY=false \
    MEDIASOUP_RTC_MIN_PORT=40000 \
    MEDIASOUP_RTC_MAX_PORT=49999
VOLUME ["/data"]
# HTTP and the gateway; voice media (RTP over UDP, TCP as a fallback) on MEDIASOUP_RTC_MIN_PORT..MAX_PORT.
EXPOSE 3000/tcp 40000-49999/udp 40000-49999/tcp
USER 10001:10001
HEALTHCHECK --interval=10s --timeout=5s --start-period=60s --retries=3 \
    CMD ["/app/deploy/docker/healthcheck.sh"]
# The node drains on SIGTERM (op 7 RECONNECT to gateway clients, in-flight requests finished, the outbox flushed)
# and exits within 25 s. Bun is the container's main process, started directly (exec form, no shell between),
# so the signal reaches it; give the container at least 30 s to stop (compose: stop_grace_period).
STOPSIGNAL SIGTERM
ENTRYPOINT ["/usr/local/bin/bun"]
CMD ["src/main.ts"]
