#!/bin/sh
# Fills the template's ${CMS_…}, ${NGINX_…}, ${TLS_…} and ${CERTBOT_…} placeholders from the
# environment (nginx's own $variables are left alone), then runs nginx in the foreground.
set -eu
names=$(env | cut -d= -f1 | grep -E '^(CMS|NGINX|TLS|CERTBOT)_' | sed 's/.*/${&}/' | tr '\n' ' ')
envsubst "$names" </etc/nginx/templates/cms.conf.template >/etc/nginx/conf.d/cms.conf
exec nginx -g 'daemon off;'
