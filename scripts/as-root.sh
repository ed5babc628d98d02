# Sourced by the set-up scripts before they change directory: re-runs the calling script
# as root through sudo when another user started it, so the README's commands work as
# written both for root (where sudo may be absent) and for a user with sudo rights.
# Needs: zw_self (the script's absolute path) and the script's arguments.
zw_as_root() {
    [ "$(id -u)" -eq 0 ] && return 0
    if ! command -v sudo >/dev/null 2>&1; then
        echo "$(basename "$zw_self"): needs root (it installs packages and adds 127.x addresses to lo), and sudo is not installed" >&2
        exit 2
    fi
    exec sudo --preserve-env=ZW_KEEP_TMP,CCACHE_DIR "$zw_self" "$@"
}
