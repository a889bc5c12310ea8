#!/bin/sh
# Fills the template's ${CMS_…}, ${NGINX_…}, ${TLS_…} and ${CERTBOT_…} placeholders from the
# environment (nginx's own $variables are left alone), writes the CORS origins' map, then runs
# nginx in the foreground.
set -eu
names=$(env | cut -d= -f1 | grep -E '^(CMS|NGINX|TLS|CERTBOT)_' | sed 's/.*/${&}/' | tr '\n' ' ')
envsubst "$names" </etc/nginx/templates/cms.conf.template >/etc/nginx/conf.d/cms.conf
# The origins browsers may read the website data from, as nginx answers its CORS (the app's
# CORS_ALLOWED_ORIGINS, comma-separated): one map entry each.
for origin in $(echo "${NGINX_CORS_ALLOWED_ORIGINS:-}" | tr ',' ' '); do
  case "$origin" in
    http://*|https://*) ;;
    *) echo "NGINX_CORS_ALLOWED_ORIGINS: '$origin' is not an http(s) origin" >&2; exit 1 ;;
  esac
  case "$origin" in
    *[!A-Za-z0-9.:/-]*) echo "NGINX_CORS_ALLOWED_ORIGINS: '$origin' has characters no origin has" >&2; exit 1 ;;
  esac
  printf '"%s" "%s";\n' "$origin" "$origin"
done >"$NGINX_CONF_DIR/cors_origins.map"
exec nginx -g 'daemon off;'
