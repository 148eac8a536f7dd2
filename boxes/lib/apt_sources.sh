# Reads the package mirror from the host's apt configuration, so that no mirror host name
# is ever written into this repository. Sourced, not run.
#
# apt_sources: prints "URI SUITE COMPONENTS..." for every enabled `deb` source, from
# /etc/apt/sources.list, /etc/apt/sources.list.d/*.list (one-line style) and
# /etc/apt/sources.list.d/*.sources (deb822 style).
apt_sources() {
    local f etc=${APT_ETC:-/etc/apt}
    for f in "$etc/sources.list" "$etc"/sources.list.d/*.list; do
        [ -f "$f" ] || continue
        # deb [options] uri suite component...
        sed -e 's/#.*//' "$f" | awk '$1 == "deb" {
            i = 2; if ($2 ~ /^\[/) { while (i <= NF && $i !~ /\]$/) i++; i++ }
            line = $i; for (j = i + 1; j <= NF; j++) line = line " " $j; print line }'
    done
    for f in "$etc"/sources.list.d/*.sources; do
        [ -f "$f" ] || continue
        # One paragraph per source; fields may list several values.
        awk 'function flush() {
                if (types ~ /(^| )deb( |$)/ && enabled != "no")
                    for (u in uris) for (s in suites) print uris[u] " " suites[s] " " comps
                delete uris; delete suites; types = ""; comps = ""; enabled = "" }
             /^[ \t]*#/ { next }
             /^[ \t]*$/ { flush(); next }
             { key = tolower($1); sub(/:$/, "", key); $1 = ""; sub(/^ +/, "") }
             key == "types" { types = $0 }
             key == "uris" { n = split($0, a, " "); for (k = 1; k <= n; k++) uris[k] = a[k] }
             key == "suites" { n = split($0, a, " "); for (k = 1; k <= n; k++) suites[k] = a[k] }
             key == "components" { comps = $0 }
             key == "enabled" { enabled = tolower($0) }
             END { flush() }' "$f"
    done
}

# apt_mirror SUITE: the first URI the host uses for SUITE (e.g. bookworm); fails if none.
apt_mirror() {
    local uri
    uri=$(apt_sources | awk -v s="$1" '$2 == s { print $1; exit }')
    [ -n "$uri" ] || { echo "error: the host's apt configuration has no 'deb' source for suite $1" >&2; return 1; }
    echo "${uri%/}"
}
