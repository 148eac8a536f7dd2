// `box add` against a local HTTP server: URLs, catalogs with constraints, wrong checksums,
// 404s, dropped connections and resumes, servers without ranges, stalls. After every
// failure the store must list nothing half-added.
#include <dirent.h>
#include <signal.h>
#include <sys/stat.h>

#include <catch2/catch.hpp>

#include "box/add.h"
#include "box/manage.h"
#include "tests/integration/box/box_fixture.h"
#include "tests/integration/box/http_server.h"

using namespace env::box;
using namespace env::box::test;

namespace {

DownloadOptions quiet(int retries = 0) {
    DownloadOptions d;
    d.progress = false;
    d.retries = retries;
    d.stall_timeout_s = 5;
    d.connect_timeout_s = 5;
    return d;
}

size_t count_entries(const std::string& dir) {
    size_t n = 0;
    if (DIR* d = ::opendir(dir.c_str())) {
        while (dirent* e = ::readdir(d))
            if (std::string(e->d_name) != "." && std::string(e->d_name) != "..") ++n;
        ::closedir(d);
    }
    return n;
}

void expect_nothing_installed(const Store& store) {
    auto all = store.list();
    REQUIRE(all);
    CHECK(all->empty());
    // And no staging directory outlived the failed add.
    CHECK(count_entries(store.root() + "/.tmp") == 0);
}

std::string read(const std::string& p) {
    return *env::sys::read_file(p);
}

}  // namespace

TEST_CASE("a box is added from an http URL with its checksum", "[box][http]") {
    EnvHome home;
    TempDir tmp;
    HttpServer http;
    auto box = build_box(tmp, "1.0");
    http.serve("/b.box", box.bytes);
    Store store = Store::user();
    AddOptions o{.name = "test/busy",
                 .source = http.url("/b.box"),
                 .checksum = "  " + box.sha256 + "\n",
                 .checksum_type = "SHA256",
                 .download = quiet()};
    auto r = add(store, o);
    REQUIRE(r);
    CHECK(r->version == "0");
    CHECK(r->provider == "container");
    CHECK(r->dir == home.boxes() + "/test-VAGRANTSLASH-busy/0/container");
    CHECK(read(r->dir + "/rootfs/etc/version") == "1.0\n");
    auto all = store.list();
    REQUIRE(all);
    REQUIRE(all->size() == 1);
    CHECK((*all)[0].name == "test/busy");
    CHECK(count_entries(home.boxes() + "/.downloads") == 0);  // the download is not kept
    // The same box again is refused unless forced.
    auto again = add(store, o);
    REQUIRE_FALSE(again);
    CHECK(again.error().message().find("already installed") != std::string::npos);
    o.force = true;
    REQUIRE(add(store, o));
}

TEST_CASE("a catalog with a constraint yields the newest matching version", "[box][http]") {
    EnvHome home;
    TempDir tmp;
    HttpServer http;
    std::string versions;
    for (std::string v : {"1.0.0", "1.5.0", "2.0.0"}) {
        auto b = build_box(tmp, v, 4096);
        http.serve("/boxes/t-" + v + ".box", b.bytes);
        versions += std::string(versions.empty() ? "" : ",") + R"({"version":")" + v +
                    R"(","providers":[{"name":"container","url":"t-)" + v +
                    R"(.box","checksum_type":"sha256","checksum":")" + b.sha256 + R"("}]})";
    }
    http.serve("/boxes/t.json", R"({"name":"t","versions":[)" + versions + "]}");
    Store store = Store::user();
    auto r = add(store, {.name = "t",
                         .source = http.url("/boxes/t.json"),
                         .constraint = "~> 1.0",
                         .download = quiet()});
    REQUIRE(r);
    CHECK(r->version == "1.5.0");
    CHECK(read(r->dir + "/rootfs/etc/version") == "1.5.0\n");
    CHECK(store.catalog_url("t") == http.url("/boxes/t.json"));

    auto out = outdated(store, "", quiet());
    REQUIRE(out);
    REQUIRE(out->size() == 1);
    CHECK((*out)[0].outdated);
    CHECK((*out)[0].latest == "2.0.0");

    auto up = update(store, "t", "", "", quiet());
    REQUIRE(up);
    REQUIRE(up->size() == 1);
    CHECK((*up)[0].version == "2.0.0");
    CHECK(store.list()->size() == 2);

    auto resolved = resolve(store, "t", "< 2", "container");
    REQUIRE(resolved);
    CHECK(resolved->version == "1.5.0");
    CHECK(resolve(store, "t", "", "")->version == "2.0.0");
    CHECK_FALSE(resolve(store, "t", ">= 3", ""));

    auto dry = prune(store, true, home.path() + "/index.json");
    REQUIRE(dry);
    REQUIRE(dry->size() == 1);
    CHECK(store.list()->size() == 2);
    auto pr = prune(store, false, home.path() + "/index.json");
    REQUIRE(pr);
    auto left = store.list();
    REQUIRE(left->size() == 1);
    CHECK((*left)[0].version == "2.0.0");
}

TEST_CASE("a wrong checksum is rejected and nothing is added", "[box][http]") {
    EnvHome home;
    TempDir tmp;
    HttpServer http;
    auto box = build_box(tmp, "x");
    http.serve("/b.box", box.bytes);
    Store store = Store::user();
    auto r = add(store, {.name = "b",
                         .source = http.url("/b.box"),
                         .checksum = std::string(64, '0'),
                         .checksum_type = "sha256",
                         .download = quiet()});
    REQUIRE_FALSE(r);
    CHECK(r.error().message().find("checksum mismatch for " + http.url("/b.box")) !=
          std::string::npos);
    expect_nothing_installed(store);
    CHECK(count_entries(home.boxes() + "/.downloads") <=
          1);  // at most the lock file, never the bad bytes
}

TEST_CASE("a 404 is one line naming the URL and the status", "[box][http]") {
    EnvHome home;
    HttpServer http;
    Store store = Store::user();
    auto r = add(store, {.name = "b", .source = http.url("/missing.box"), .download = quiet()});
    REQUIRE_FALSE(r);
    CHECK(r.error().message().find(http.url("/missing.box") + " failed: HTTP 404") !=
          std::string::npos);
    CHECK(r.error().kind() == env::ErrorKind::NotFound);
    CHECK(r.error().message().find('\n') == std::string::npos);
    expect_nothing_installed(store);
}

TEST_CASE("a dropped download is resumed with a range by the next add", "[box][http]") {
    EnvHome home;
    TempDir tmp;
    HttpServer http;
    auto box = build_box(tmp, "drop");
    http.serve("/b.box", box.bytes);
    http.drop_after = static_cast<int64_t>(box.bytes.size() / 2);
    http.drops_left = 1;
    Store store = Store::user();
    AddOptions o{.name = "b",
                 .source = http.url("/b.box"),
                 .checksum = box.sha256,
                 .checksum_type = "sha256",
                 .download = quiet(0)};
    auto first = add(store, o);
    REQUIRE_FALSE(first);
    CHECK(first.error().message().find(http.url("/b.box")) != std::string::npos);
    expect_nothing_installed(store);
    struct stat st;
    REQUIRE(::stat(store.download_path(http.url("/b.box")).c_str(), &st) == 0);
    CHECK(static_cast<size_t>(st.st_size) == box.bytes.size() / 2);

    auto second = add(store, o);
    REQUIRE(second);
    auto reqs = http.requests();
    REQUIRE(reqs.size() == 2);
    CHECK(reqs[1].range == "bytes=" + std::to_string(box.bytes.size() / 2) + "-");
    CHECK(reqs[1].status == 206);
    CHECK(read(second->dir + "/rootfs/noise").size() == 2u << 20);
}

TEST_CASE("a dropped connection is resumed within one add", "[box][http]") {
    EnvHome home;
    TempDir tmp;
    HttpServer http;
    auto box = build_box(tmp, "retry");
    http.serve("/b.box", box.bytes);
    http.drop_after = static_cast<int64_t>(box.bytes.size() / 3);
    http.drops_left = 2;
    Store store = Store::user();
    auto r = add(store, {.name = "b",
                         .source = http.url("/b.box"),
                         .checksum = box.sha256,
                         .checksum_type = "sha256",
                         .download = quiet(3)});
    REQUIRE(r);
    auto reqs = http.requests();
    REQUIRE(reqs.size() == 3);
    CHECK(reqs[2].status == 206);
}

TEST_CASE("a server without range support makes the download start over once", "[box][http]") {
    EnvHome home;
    TempDir tmp;
    HttpServer http;
    auto box = build_box(tmp, "norange");
    http.serve("/b.box", box.bytes);
    http.ranges = false;
    http.drop_after = static_cast<int64_t>(box.bytes.size() / 2);
    http.drops_left = 1;
    Store store = Store::user();
    AddOptions o{.name = "b",
                 .source = http.url("/b.box"),
                 .checksum = box.sha256,
                 .checksum_type = "sha256",
                 .download = quiet(0)};
    REQUIRE_FALSE(add(store, o));
    expect_nothing_installed(store);
    auto r = add(store, o);
    REQUIRE(r);  // the checksum held, so the partial head was dropped, not glued on
    auto reqs = http.requests();
    REQUIRE(reqs.size() == 2);
    CHECK_FALSE(reqs[1].range.empty());
    CHECK(reqs[1].status == 200);
}

TEST_CASE("a server that never answers times out with the URL named", "[box][http]") {
    EnvHome home;
    HttpServer http;
    http.hang = true;
    Store store = Store::user();
    DownloadOptions d = quiet();
    d.stall_timeout_s = 1;
    auto r = add(store, {.name = "b", .source = http.url("/b.box"), .download = d});
    REQUIRE_FALSE(r);
    CHECK(r.error().message().find(http.url("/b.box") + " timed out") != std::string::npos);
    expect_nothing_installed(store);
}

TEST_CASE("debris of an interrupted add is removed by the next add", "[box][http]") {
    EnvHome home;
    TempDir tmp;
    HttpServer http;
    auto box = build_box(tmp, "debris", 4096);
    http.serve("/b.box", box.bytes);
    Store store = Store::user();
    // What a SIGKILLed add leaves: a staging dir with a half-extracted box and no lock holder.
    REQUIRE(env::sys::make_dirs(home.boxes() + "/.tmp/dead/box/rootfs"));
    REQUIRE(env::sys::write_file_atomic(home.boxes() + "/.tmp/dead/box/metadata.json", "{}"));
    auto live = store.stage();  // a concurrent add in progress: must survive
    REQUIRE(live);
    REQUIRE(store.list()->empty());
    REQUIRE(add(store, {.name = "b", .source = http.url("/b.box"), .download = quiet()}));
    CHECK_FALSE(env::sys::exists(home.boxes() + "/.tmp/dead"));
    CHECK(env::sys::exists(live->path()));
}

TEST_CASE("a box in use by a known machine is not removed without --force", "[box][http]") {
    EnvHome home;
    TempDir tmp;
    auto box = build_box(tmp, "used", 4096);
    std::string file = tmp.path() + "/u.box";
    REQUIRE(env::sys::write_file_atomic(file, box.bytes));
    Store store = Store::user();
    REQUIRE(add(store, {.name = "u", .source = file, .checksum = box.sha256, .download = quiet()}));
    REQUIRE(
        add(store,
            {.name = "u", .source = "file://" + file, .constraint = "1.1", .download = quiet()}));
    std::string index = home.path() + "/index.json";
    REQUIRE(env::sys::write_file_atomic(index, R"({"machines":[{"project_dir":"/p","machine":"web",
        "provider":"container","box":"u","box_version":"0","state":"running"}, {"bogus": 1}]})"));
    auto several = remove_boxes(store, {.name = "u", .index_path = index});
    REQUIRE_FALSE(several);
    CHECK(several.error().message().find("1.1 (container), 0 (container)") != std::string::npos);
    auto busy = remove_boxes(store, {.name = "u", .version = "0", .index_path = index});
    REQUIRE_FALSE(busy);
    CHECK(busy.error().kind() == env::ErrorKind::Busy);
    CHECK(busy.error().message().find("web in /p") != std::string::npos);
    REQUIRE(remove_boxes(store, {.name = "u", .version = "1.1", .index_path = index}));
    REQUIRE(remove_boxes(store, {.name = "u", .version = "0", .force = true, .index_path = index}));
    CHECK(store.list()->empty());
    CHECK_FALSE(env::sys::exists(home.boxes() + "/u"));
}

TEST_CASE("Ctrl-C during a download leaves nothing half-added", "[box][http]") {
    EnvHome home;
    HttpServer http;
    http.hang = true;  // the download stays in progress until interrupted
    Store store = Store::user();
    std::thread ctrl_c([] {
        std::this_thread::sleep_for(std::chrono::milliseconds(300));
        ::kill(::getpid(), SIGINT);
    });
    auto start = std::chrono::steady_clock::now();
    auto r = add(store, {.name = "b", .source = http.url("/b.box"), .download = quiet()});
    ctrl_c.join();
    REQUIRE_FALSE(r);
    CHECK(r.error().kind() == env::ErrorKind::Interrupted);
    CHECK(std::chrono::steady_clock::now() - start <
          std::chrono::seconds(4));  // not the 5 s stall timeout
    expect_nothing_installed(store);
}

TEST_CASE("a partial download longer than the file (416) starts over once", "[box][http]") {
    EnvHome home;
    TempDir tmp;
    HttpServer http;
    auto box = build_box(tmp, "shrunk", 4096);
    http.serve("/b.box", box.bytes);
    Store store = Store::user();
    // What a larger, older file at the same URL left behind.
    std::string part = store.download_path(http.url("/b.box"));
    REQUIRE(env::sys::make_dirs(home.boxes() + "/.downloads"));
    REQUIRE(env::sys::write_file_atomic(part, std::string(box.bytes.size() * 2, 'x')));
    auto r = add(
        store,
        {.name = "b", .source = http.url("/b.box"), .checksum = box.sha256, .download = quiet()});
    REQUIRE(r);
    auto reqs = http.requests();
    REQUIRE(reqs.size() == 2);
    CHECK(reqs[0].status == 416);
    CHECK(reqs[1].range.empty());
}

TEST_CASE("a catalog behind a URL without .json is recognised once downloaded", "[box][http]") {
    EnvHome home;
    TempDir tmp;
    HttpServer http;
    auto b = build_box(tmp, "2.1", 4096);
    http.serve("/v2/t-2.1.box", b.bytes);
    http.serve("/v2/catalog", R"({"name":"t","versions":[{"version":"2.1","providers":[{"name":"container",
        "url":"t-2.1.box","checksum_type":"sha256","checksum":")" + b.sha256 + R"("}]}]})");
    Store store = Store::user();
    auto r = add(store, {.name = "t", .source = http.url("/v2/catalog"), .constraint = ">= 2, < 3",
                         .download = quiet()});
    REQUIRE(r);
    CHECK(r->version == "2.1");
    CHECK(store.catalog_url("t") == http.url("/v2/catalog"));
    // A range constraint on what is really a box file is a usage error.
    auto bad = add(store, {.name = "u", .source = http.url("/v2/t-2.1.box"), .constraint = ">= 2",
                           .download = quiet()});
    REQUIRE_FALSE(bad);
    CHECK(bad.error().kind() == env::ErrorKind::Usage);
    CHECK(store.list()->size() == 1);
}
