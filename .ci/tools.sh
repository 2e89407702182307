# Sourced by .ci/run: the Debian tools the deploy tests use — nginx (the reverse proxy's configuration and a
# live proxy in front of the web app) and systemd-analyze (the service units) — installed when missing.

missing=()
[ -x /usr/sbin/nginx ] || missing+=(nginx-light)
command -v systemd-analyze >/dev/null 2>&1 || missing+=(systemd)
if [ "${#missing[@]}" -gt 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "ci: installing ${missing[*]} (Debian packages) for the deploy tests"
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
    "${missing[@]}" >/dev/null) || echo "ci: could not install ${missing[*]}"
fi
echo "ci: $( (/usr/sbin/nginx -v 2>&1 || echo 'no nginx') | head -n 1), $( (systemd-analyze --version 2>/dev/null || echo 'no systemd-analyze') | head -n 1) for the deploy tests"
