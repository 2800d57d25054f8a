#!/bin/sh
# Turn a file into the body of a C array initialiser ("0x3c,0x21,...") on
# stdout, for #include inside braces.  POSIX od and sed only (no xxd).
#   sh v720-web/embed.sh v720-web/assets/index.html > page-html.inc
set -e
[ $# -eq 1 ] && [ -r "$1" ] || { echo "usage: embed.sh file" >&2; exit 1; }
printf '/* Generated from %s by v720-web/embed.sh; do not edit. */\n' "$1"
od -An -v -tx1 "$1" | sed -e 's/\([0-9a-f][0-9a-f]\)/0x\1,/g' -e 's/[ 	]//g'
