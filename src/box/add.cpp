#include "box/add.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <optional>

#include <spdlog/spdlog.h>

#include "box/catalog.h"
#include "box/checksum.h"
#include "box/extract.h"
#include "box/interrupt.h"
#include "state/provider_names.h"
#include "util/sys.h"

namespace env::box {

namespace {

std::string file_url_path(const std::string& url) {
    // file:///abs/path and file://localhost/abs/path
    std::string rest = url.substr(7);
    if (rest.starts_with("localhost/")) rest = rest.substr(9);
    return rest;
}

bool is_remote(const std::string& s) {
    return s.starts_with("http://") || s.starts_with("https://");
}

bool starts_with_brace(const std::string& path) {
    auto fd = sys::open(path, O_RDONLY);
    if (!fd) return false;
    char buf[64];
    ssize_t n = ::read(fd->get(), buf, sizeof buf);
    for (ssize_t i = 0; i < n; ++i) {
        if (buf[i] == ' ' || buf[i] == '\n' || buf[i] == '\r' || buf[i] == '\t') continue;
        return buf[i] == '{';
    }
    return false;
}

// The payload that metadata.json promises must be there before the box is installed.
Result<> verify_payload(const std::string& dir, const Metadata& m) {
    auto need = [&](const std::string& rel, bool dir_wanted) -> Result<> {
        if (rel.empty()) return {};
        std::string p = dir + "/" + rel;
        bool ok = dir_wanted ? sys::is_dir(p) : (sys::exists(p) && !sys::is_dir(p));
        if (!ok)
            return fail(ErrorKind::Invalid, "box payload incomplete: metadata.json names '" + rel +
                                                "', which the archive lacks");
        return {};
    };
    TRY(need(m.rootfs, true));
    TRY(need(m.kernel, false));
    TRY(need(m.initrd, false));
    TRY(need(m.disk, false));
    return {};
}

struct Chosen {
    std::string url;  // where the .box is
    std::string version = "0";
    std::string provider;
    std::string checksum, checksum_type;
    std::string catalog;  // the catalog location, when one was used
};

Result<Chosen> choose_from_catalog(const Catalog& cat, const AddOptions& o) {
    auto vc = TRY(VersionConstraint::parse(o.constraint));
    auto pick = TRY(cat.pick(vc, o.provider));
    Chosen c;
    c.url = pick.provider.url;
    c.version = pick.version.str();
    c.provider = pick.provider.name;
    c.checksum = pick.provider.checksum;
    c.checksum_type = pick.provider.checksum_type;
    c.catalog = cat.location();
    return c;
}

// A version for a bare box: Vagrant's "0", or the exact version the user named.
Result<std::string> bare_version(const std::string& constraint) {
    std::string c = constraint;
    while (!c.empty() && c.front() == ' ') c.erase(0, 1);
    if (c.empty()) return std::string("0");
    if (c.starts_with("=")) c.erase(0, 1);
    auto v = Version::parse(c);
    if (!v || c.find_first_of("<>~!,") != std::string::npos)
        return fail(
            ErrorKind::Usage,
            "--box-version for a box file (not a catalog) must be one exact version, not '" +
                constraint + "'");
    return v->str();
}

// A held lock on the partial download so that two adds of one URL do not interleave.
Result<UniqueFd> lock_download(const std::string& part) {
    UniqueFd fd = TRY(sys::open(part + ".lock", O_RDWR | O_CREAT, 0600));
    if (::flock(fd.get(), LOCK_EX | LOCK_NB) != 0)
        return fail(ErrorKind::Busy, "another `env box add` is downloading to " + part);
    return fd;
}

}  // namespace

bool looks_like_catalog(const std::string& source) {
    std::string s = source.substr(0, source.find_first_of("?#"));
    if (s.ends_with(".json")) return true;
    if (is_remote(source)) return false;
    std::string path = source.starts_with("file://") ? file_url_path(source) : source;
    return starts_with_brace(path);
}

Result<Catalog> load_catalog(const std::string& location, const DownloadOptions& dl) {
    std::string text;
    if (is_remote(location)) {
        DownloadOptions quiet = dl;
        quiet.progress = false;
        text = TRY(Downloader(quiet).fetch_text(location));
    } else {
        std::string path = location.starts_with("file://") ? file_url_path(location) : location;
        text = TRY(sys::read_file(path));
    }
    return Catalog::parse(text, location);
}

Result<InstalledBox> add(const Store& store, const AddOptions& o) {
    TRY(Store::validate_name(o.name));
    if (!o.provider.empty() && !state::is_provider_name(o.provider))
        return fail(ErrorKind::Usage, "unknown provider '" + o.provider + "' (expected " +
                                          state::provider_names_text() + ")");
    InterruptGuard guard;
    TRY(sys::make_dirs(store.root()));
    store.clean_debris();

    Chosen c;
    std::optional<Catalog> catalog;
    Result<std::string> version = std::string();
    if (looks_like_catalog(o.source)) {
        catalog = TRY(load_catalog(o.source, o.download));
        c = TRY(choose_from_catalog(*catalog, o));
    } else {
        c.url = o.source;
        // A URL without ".json" may still turn out to be a catalog once downloaded; only
        // then is a range constraint wrong.
        version = bare_version(o.constraint);
        if (!version && !is_remote(c.url)) return std::unexpected(version.error());
        c.version = version ? *version : "";
        c.provider = o.provider;
    }
    if (!o.checksum.empty()) {
        c.checksum = o.checksum;
        c.checksum_type = o.checksum_type;
    }
    if (!c.checksum.empty())
        c.checksum_type = TRY(normalize_checksum_type(c.checksum_type));
    else if (!o.checksum_type.empty())
        return fail(ErrorKind::Usage, "--checksum-type needs --checksum");

    auto exists_already = [&](const std::string& provider) -> Result<> {
        if (!o.force && !provider.empty() && !c.version.empty() &&
            sys::exists(store.dir_for(o.name, c.version, provider)))
            return fail(ErrorKind::Invalid,
                        "box '" + o.name + "' version " + c.version + " (" + provider +
                            ") is already installed; use --force to replace it");
        return {};
    };
    TRY(exists_already(c.provider));

    StagingDir staging = TRY(store.stage());
    std::string archive;
    std::string part;
    std::optional<UniqueFd> part_lock;
    if (is_remote(c.url)) {
        TRY(sys::make_dirs(store.root() + "/.downloads", 0700));
        part = store.download_path(c.url);
        part_lock = TRY(lock_download(part));
        DownloadOptions dl = o.download;
        if (dl.label.empty()) dl.label = o.name + " " + c.version;
        auto got = Downloader(dl).fetch(c.url, part, c.checksum.empty() ? "" : c.checksum_type);
        if (!got) return std::unexpected(got.error().context("adding box '" + o.name + "'"));
        if (got->resumed_at) spdlog::info("resumed {} at byte {}", c.url, got->resumed_at);
        archive = part;
        // A catalog behind a URL without ".json": the download itself tells.
        if (!catalog && starts_with_brace(part)) {
            std::string url = c.url;
            auto text = TRY(sys::read_file(part));
            ::unlink(part.c_str());
            catalog = TRY(Catalog::parse(text, url));
            auto ch = TRY(choose_from_catalog(*catalog, o));
            // Add the box the catalog names; the catalog's location is recorded below.
            AddOptions inner = o;
            inner.source = ch.url;
            inner.constraint = "= " + ch.version;
            inner.provider = ch.provider;
            if (o.checksum.empty()) {
                inner.checksum = ch.checksum;
                inner.checksum_type = ch.checksum_type;
            }
            auto box = TRY(add(store, inner));
            TRY(store.set_catalog_url(o.name, url));
            return box;
        }
        if (!catalog) {  // a bare box: its version comes from --box-version or is "0"
            if (!version) return std::unexpected(version.error());
            c.version = *version;
            TRY(exists_already(c.provider));
        }
        if (!c.checksum.empty()) {
            if (auto ok = verify_checksum(c.url, c.checksum_type, c.checksum, got->digest); !ok) {
                // A resumed tail may not fit its head: the next add starts clean.
                ::unlink(part.c_str());
                return std::unexpected(ok.error());
            }
        }
    } else {
        if (!version) return std::unexpected(version.error());
        archive = c.url.starts_with("file://") ? file_url_path(c.url) : c.url;
        if (!sys::exists(archive))
            return fail(ErrorKind::NotFound, "box file " + archive + " does not exist");
        if (!c.checksum.empty()) {
            Hasher h = TRY(Hasher::create(c.checksum_type));
            TRY(h.update_file(archive));
            TRY(verify_checksum(archive, c.checksum_type, c.checksum, h.hex()));
        }
    }

    Metadata meta = TRY(read_box_metadata(archive));
    if (!c.provider.empty() && meta.provider != c.provider)
        return fail(ErrorKind::Invalid,
                    "box " + c.url + " is for provider " + meta.provider + ", not " + c.provider);
    c.provider = meta.provider;
    TRY(exists_already(c.provider));

    ExtractPolicy policy = policy_for(meta);
    policy.progress = o.download.progress;
    policy.progress_sink = o.download.progress_sink;
    struct statvfs vfs;
    if (::statvfs(store.root().c_str(), &vfs) == 0)
        policy.max_total_bytes = static_cast<uint64_t>(vfs.f_bavail) * vfs.f_frsize;
    if (::mkdir(staging.box_dir().c_str(), 0755) != 0)
        return fail_errno("mkdir " + staging.box_dir());
    auto stats = extract_secure(archive, staging.box_dir(), policy);
    if (!stats) {
        if (!part.empty() && stats.error().kind() == ErrorKind::Invalid) ::unlink(part.c_str());
        return std::unexpected(stats.error().context("adding box '" + o.name + "' from " + c.url));
    }
    Metadata extracted = TRY(Metadata::load(staging.box_dir()));
    TRY(verify_payload(staging.box_dir(), extracted));

    auto box = TRY(store.install(staging, o.name, c.version, c.provider, o.force));
    if (!c.catalog.empty()) TRY(store.set_catalog_url(o.name, c.catalog));
    if (!part.empty()) {
        ::unlink(part.c_str());
        ::unlink((part + ".lock").c_str());
    }
    return box;
}

}  // namespace env::box
