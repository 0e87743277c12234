#!/bin/sh
# Usage: render-template.sh TEMPLATE OUTPUT NAME=VALUE...
# Writes TEMPLATE to OUTPUT with every {{NAME}} replaced by VALUE, creating OUTPUT's directory.
# For configuration files that cannot read environment variables themselves (nginx.conf).
set -eu
template=$1
output=$2
shift 2
script=
for pair in "$@"; do
  name=${pair%%=*}
  # Escape what sed gives a meaning in a replacement: \ & and the | delimiter.
  value=$(printf '%s' "${pair#*=}" | sed 's/[\\&|]/\\&/g')
  script="${script}s|{{${name}}}|${value}|g
"
done
mkdir -p "$(dirname "$output")"
sed "$script" "$template" > "$output.tmp"
if grep -n '{{[A-Z_]*}}' "$output.tmp" >&2; then
  echo "render-template.sh: $template: the placeholders above have no value" >&2
  rm -f "$output.tmp"
  exit 1
fi
mv "$output.tmp" "$output"
