# shellcheck shell=bash
# Shared by the bench scripts that take only --no-build (source it after `cd` to the repository).

# parse_no_build HELP_END ARGS...: sets BUILD=1, or 0 for --no-build; -h/--help prints the script's header
# comment (lines 2 to HELP_END) and exits; anything else is a usage error (exit 2).
# shellcheck disable=SC2034 # BUILD is read by the script that sources this
parse_no_build() {
    local help_end=$1 arg
    shift
    BUILD=1
    for arg in "$@"; do
        case $arg in
            --no-build) BUILD=0 ;;
            -h | --help) sed -n "2,${help_end}p" "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
            *) echo "$(basename "$0"): unknown argument '$arg' (try --help)" >&2; exit 2 ;;
        esac
    done
}
