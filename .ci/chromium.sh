# Sourced by .ci/run: Chromium and its chromedriver (Debian packages) for the web app's browser tests.
# Installs them when either is missing and apt-get is there; says in one line what is available.

if { [ ! -x /usr/bin/chromium ] || [ ! -x /usr/bin/chromedriver ]; } && command -v apt-get >/dev/null 2>&1; then
  echo "ci: installing Chromium and chromedriver (Debian packages chromium chromium-driver)"
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
    chromium chromium-driver >/dev/null) || echo "ci: could not install Chromium"
fi

if [ -x /usr/bin/chromium ] && [ -x /usr/bin/chromedriver ]; then
  echo "ci: $(/usr/bin/chromium --version 2>/dev/null | head -n 1), $(/usr/bin/chromedriver --version 2>/dev/null \
    | awk '{print $1, $2}') for the browser tests"
else
  echo "ci: no Chromium with chromedriver in /usr/bin: the browser tests will be skipped"
fi
