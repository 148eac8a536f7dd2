# Shared by the box recipes: packing a staged box reproducibly and writing its catalog.
# Sourced, not run.

die() { echo "error: $*" >&2; exit 1; }

# need_packages PKG...: fail early, naming the apt-get command that fixes it.
need_packages() {
    local missing=()
    for p in "$@"; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
    done
    [ ${#missing[@]} -eq 0 ] || die "missing packages; run: apt-get install -y ${missing[*]}"
}

# pack_box STAGE OUT COMPRESS: STAGE holds metadata.json and the payload. metadata.json goes
# first so that `env box add` reads it without scanning the archive. Names sorted, owners
# numeric, times clamped to SOURCE_DATE_EPOCH: the same inputs give the same bytes.
pack_box() {
    local stage=$1 out=$2 compress=$3
    local members=(metadata.json)
    for m in $(cd "$stage" && ls -A | LC_ALL=C sort); do [ "$m" = metadata.json ] || members+=("$m"); done
    local tarflags=(--sort=name --format=posix --numeric-owner --xattrs --xattrs-include='*'
        --mtime="@${SOURCE_DATE_EPOCH}" --clamp-mtime
        --pax-option=exthdr.name=%d/PaxHeaders/%f,delete=atime,delete=ctime)
    case "$compress" in
        gzip) tar "${tarflags[@]}" -C "$stage" -cf - "${members[@]}" | gzip -n -6 >"$out.tmp" ;;
        zstd) tar "${tarflags[@]}" -C "$stage" -cf - "${members[@]}" | zstd -q -T0 -6 >"$out.tmp" ;;
        *) die "unknown compression $compress" ;;
    esac
    mv "$out.tmp" "$out"
}

# write_catalog CATALOG NAME DESCRIPTION VERSION PROVIDER BOXFILE: a Vagrant-style catalog
# naming the box by its file name (relative url), with its sha256.
write_catalog() {
    local catalog=$1 name=$2 desc=$3 version=$4 provider=$5 box=$6
    local sum
    sum=$(sha256sum "$box" | cut -d' ' -f1)
    cat >"$catalog.tmp" <<JSON
{
  "name": "$name",
  "description": "$desc",
  "versions": [
    {
      "version": "$version",
      "providers": [
        {"name": "$provider", "url": "$(basename "$box")", "checksum_type": "sha256", "checksum": "$sum"}
      ]
    }
  ]
}
JSON
    mv "$catalog.tmp" "$catalog"
    echo "$box  sha256 $sum"
    echo "$catalog"
}
