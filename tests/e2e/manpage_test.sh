#!/usr/bin/env bash
# zonewarden(8) and the bash completion against --help: every command that `zonewarden
# --help` lists and every option and argument its `COMMAND --help` shows is in the man
# page, in that command's section; the page renders without a single warning (groff -ww,
# man -l); exit codes, files and signals have their sections; the completion offers every
# command and a command's options.
#   manpage_test.sh --zonewarden BIN --man FILE --completion FILE
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=../integration/lib.sh
source "$here/../integration/lib.sh"
zw_args "$@"
set -- "${ZW_ARGS[@]}"
MAN="" COMPLETION=""
while [[ $# -gt 0 ]]; do
    case $1 in
        --man) MAN=$2; shift 2 ;;
        --completion) COMPLETION=$2; shift 2 ;;
        *) echo "unknown argument $1" >&2; exit 2 ;;
    esac
done
zw_init e2e-manpage
[[ -f $MAN && -f $COMPLETION ]] || zw_fail "--man and --completion are required"
zw_require groff man python3

groff -man -z -ww "$MAN" 2>"$ZW_TMP/groff.err" || zw_fail "groff: $(cat "$ZW_TMP/groff.err")"
[[ ! -s $ZW_TMP/groff.err ]] || zw_fail "groff warns: $(head -n 5 "$ZW_TMP/groff.err")"
MANWIDTH=120 man --warnings=w -l "$MAN" >"$ZW_TMP/man.txt" 2>"$ZW_TMP/man.err" || zw_fail "man -l: $(cat "$ZW_TMP/man.err")"
[[ ! -s $ZW_TMP/man.err ]] || zw_fail "man -l warns: $(head -n 5 "$ZW_TMP/man.err")"

"$ZONEWARDEN" --help >"$ZW_TMP/help.txt"
mapfile -t commands < <(awk '/^Subcommands:/ { f = 1; next } f && !NF { exit } f { print $1 }' "$ZW_TMP/help.txt")
((${#commands[@]} >= 10)) || zw_fail "--help lists only ${#commands[@]} commands"
for c in "${commands[@]}"; do "$ZONEWARDEN" "$c" --help >"$ZW_TMP/help-$c.txt"; done

python3 - "$ZW_TMP" "${commands[@]}" <<'PY' || zw_fail "the man page and --help differ (above)"
import re, sys
tmp, commands = sys.argv[1], sys.argv[2:]
text = open(f"{tmp}/man.txt").read()
# man renders the SS headings of the COMMANDS section indented by three spaces.
sections, current = {}, None
for line in text.splitlines():
    m = re.match(r"^   (\S+)$", line)
    if m and m.group(1) in commands:
        current = m.group(1)
        sections[current] = ""
        continue
    if re.match(r"^[A-Z]", line):
        current = None
    if current:
        sections[current] += line + "\n"
bad = []
def options(help_text):
    found = set(re.findall(r"(?<![\w-])(--[a-z][a-z0-9-]*)", help_text))
    positional = re.search(r"^Positionals:\n((?:  .*\n)+)", help_text, re.M)
    names = set()
    if positional:
        names = {l.split()[0].upper() for l in positional.group(1).splitlines() if l.strip()}
    return found, names
top, _ = options(open(f"{tmp}/help.txt").read().split("Subcommands:")[0])
for o in top:
    if o not in text.split("COMMANDS")[0]:
        bad.append(f"global option {o} is not under OPTIONS")
for c in commands:
    if c not in sections:
        bad.append(f"command {c} has no section")
        continue
    opts, pos = options(open(f"{tmp}/help-{c}.txt").read())
    for o in sorted(opts):
        if o not in sections[c]:
            bad.append(f"{c}: {o} is not in its section")
    for p in sorted(pos):
        if not re.search(r"\b" + re.escape(p) + r"\b", sections[c]):
            bad.append(f"{c}: argument {p} is not in its section")
for heading, must in (("EXIT STATUS", ["0", "1", "2", "3", "4"]), ("FILES", ["/etc/zonewarden/zonewarden.yaml",
                      "/var/lib/zonewarden/state.db"]), ("SIGNALS", ["SIGTERM", "SIGHUP"])):
    part = text.split("\n" + heading + "\n")
    if len(part) < 2:
        bad.append(f"no {heading} section")
        continue
    body = re.split(r"\n[A-Z][A-Z ]+\n", part[1])[0]
    for m in must:
        if not re.search(r"(^|\s)" + re.escape(m) + r"(\s|,|$)", body):
            bad.append(f"{heading} does not name {m}")
for b in bad:
    print("  " + b)
print(f"{len(commands)} commands checked, {len(bad)} problems")
sys.exit(1 if bad else 0)
PY

# The completion, as bash would ask for it.
complete_words() { # WORD...: completions of the last word
    bash -c 'source "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); COMP_LINE="$*"; COMP_POINT=${#COMP_LINE}
        _zonewarden; printf "%s\n" "${COMPREPLY[@]}"' _ "$COMPLETION" "$@"
}
# (Each answer is read whole before grep: grep -q would end the pipe early, and pipefail
# would count the writer's SIGPIPE.)
offers() { # WANT WORD...: the completions of the last word include WANT
    local want=$1 got
    shift
    got=$(complete_words "$@")
    grep -qx -- "$want" <<<"$got"
}
for c in "${commands[@]}"; do
    offers "$c" zonewarden "${c:0:3}" || zw_fail "completion does not offer '$c' for '${c:0:3}'"
done
offers --zone-file zonewarden sign --zone || zw_fail "completion does not offer sign --zone-file"
offers --tenant zonewarden onboard --ten || zw_fail "completion does not offer onboard --tenant"
offers --html zonewarden report --ht || zw_fail "completion does not offer report --html"
zw_log "man page: ${#commands[@]} commands with every option of --help, renders without warnings; completion offers them"
zw_log "PASS"
