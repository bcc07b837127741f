#!/bin/sh
# Container entrypoint: the first argument names the role; anything else runs as given.
set -eu
case "${1:-web}" in
    web)
        shift || true
        # WEB_CONCURRENCY sets the number of uvicorn worker processes in this container.
        # PECR_FORWARDED_ALLOW_IPS: the TLS proxy's address or network (e.g. 10.0.3.0/24), whose
        # X-Forwarded-Proto/-For alone are believed. Unset, nobody's are (the scheme stays http).
        exec uvicorn --factory provider.web.asgi:web_app --host 0.0.0.0 --port 8000 \
            --workers "${WEB_CONCURRENCY:-2}" --proxy-headers --forwarded-allow-ips "${PECR_FORWARDED_ALLOW_IPS:-127.0.0.1}" \
            --timeout-graceful-shutdown 20 --no-server-header "$@" ;;
    scheduler) shift; exec pecr scheduler "$@" ;;
    migrate) shift; exec pecr db upgrade "$@" ;;
    *) exec "$@" ;;
esac
