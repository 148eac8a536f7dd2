// Envfiles written to crash or stall the validator (issue 14): each gets a one-line error,
// at once, and the process survives.
#include <sys/stat.h>
#include <unistd.h>
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>

#include "envfile/diagnostics.h"
#include "envfile/load.h"
#include "envfile/machine_reader.h"

namespace fs = std::filesystem;
using namespace env;

namespace {

std::string load_error(const std::string& text) {
    auto r = envfile::load_string(text, "/tmp/hostile/Envfile");
    REQUIRE_FALSE(r);
    return r.error().message();
}

struct TempDir {
    fs::path path = fs::temp_directory_path() / ("env-hostile-" + std::to_string(::getpid()));
    TempDir() { fs::create_directories(path); }
    ~TempDir() { fs::remove_all(path); }
};

}  // namespace

TEST_CASE("deeply nested parentheses are refused, not a stack overflow", "[envfile]") {
    std::string expr = std::string(10000, '(') + "1" + std::string(10000, ')');
    auto msg =
        load_error("machines:\n  m${i}:\n    for: {i: 1..2}\n    box: bb\n    hostname: \"h${" +
                   expr + "}\"\n");
    CHECK(msg.find("nests deeper than 32 levels") != std::string::npos);
    CHECK(msg.size() < 1000);  // the 20 KB expression is not echoed
}

TEST_CASE("a long run of signs is refused, not a stack overflow", "[envfile]") {
    std::string expr = std::string(100000, '-') + "1";
    auto msg =
        load_error("machines:\n  m${i}:\n    for: {i: 1..2}\n    box: bb\n    hostname: \"h${" +
                   expr + "}\"\n");
    CHECK(msg.find("nests deeper than") != std::string::npos);
    CHECK(msg.size() < 1000);
}

TEST_CASE("nesting up to the bound still evaluates", "[envfile]") {
    std::string expr = std::string(30, '(') + "1 + i" + std::string(30, ')');
    auto r = envfile::load_string(
        "machines:\n  m${i}:\n    for: {i: 1..2}\n    box: bb\n    hostname: \"h${" + expr +
            "}\"\n",
        "/tmp/hostile/Envfile");
    INFO((r ? std::string() : r.error().message()));
    REQUIRE(r);
    CHECK(r->machines.at(1).hostname == "h3");
}

TEST_CASE("more machines than the bound are refused with one clear line", "[envfile]") {
    std::string text = "machines:\n";
    for (size_t i = 0; i <= envfile::max_machines; ++i)
        text += "  m" + std::to_string(i) + ": {box: bb}\n";
    auto msg = load_error(text);
    CHECK(msg.find("more than 1024 machines") != std::string::npos);
    CHECK(msg.find('\n') == std::string::npos);
}

TEST_CASE("loops cannot exceed the machine bound either", "[envfile]") {
    std::string text = "machines:\n";
    for (int e = 0; e < 5; ++e)
        text += "  e" + std::to_string(e) + "m${i}: {for: {i: 1..256}, box: bb}\n";
    CHECK(load_error(text).find("more than 1024 machines") != std::string::npos);
}

TEST_CASE("a duplicate key far from its first use is still found", "[envfile]") {
    std::string text = "machines:\n";
    for (int i = 0; i < 500; ++i) text += "  m" + std::to_string(i) + ": {box: bb}\n";
    text += "  m7: {box: bb}\n";
    auto msg = load_error(text);
    CHECK(msg.find(":502:3: key 'm7' is given twice in 'machines' (first at 9:3)") !=
          std::string::npos);
}

TEST_CASE("an Envfile that is not a regular file is refused without reading it", "[envfile]") {
    TempDir d;
    SECTION("a symlink to /dev/zero") {
        fs::create_symlink("/dev/zero", d.path / "Envfile");
        auto r = envfile::load((d.path / "Envfile").string());
        REQUIRE_FALSE(r);
        CHECK(r.error().kind() == ErrorKind::Invalid);
        CHECK(r.error().message().find("not a regular file") != std::string::npos);
    }
    SECTION("a FIFO (would block forever)") {
        REQUIRE(::mkfifo((d.path / "Envfile").c_str(), 0600) == 0);
        auto r = envfile::load((d.path / "Envfile").string());
        REQUIRE_FALSE(r);
        CHECK(r.error().message().find("not a regular file") != std::string::npos);
    }
    SECTION("a file over the size bound") {
        {
            std::ofstream f(d.path / "Envfile");
            f << "machines:\n  m: {box: bb}\n" << std::string(envfile::max_envfile_bytes, '#');
        }
        auto r = envfile::load((d.path / "Envfile").string());
        REQUIRE_FALSE(r);
        CHECK(r.error().kind() == ErrorKind::Invalid);
        CHECK(r.error().message().find("at most 1048576 bytes") != std::string::npos);
    }
    SECTION("a symlink to a regular Envfile is fine") {
        {
            std::ofstream f(d.path / "real.yaml");
            f << "machines:\n  m: {box: bb}\n";
        }
        fs::create_symlink(d.path / "real.yaml", d.path / "Envfile");
        CHECK(envfile::load((d.path / "Envfile").string()));
    }
}

TEST_CASE("a huge value is cut in the message and control bytes are escaped", "[envfile]") {
    std::string huge(10 << 20, 'x');
    auto msg = load_error("machines:\n  m: {box: bb, cpus: \"" + huge + "\"}\n");
    CHECK(msg.size() <= envfile::max_message_bytes + 100);
    CHECK(msg.find("bytes cut") != std::string::npos);

    auto esc = load_error("machines:\n  m: {box: bb, cpus: \"a\\eb\\x7f\"}\n");
    CHECK(esc.find('\x1b') == std::string::npos);
    CHECK(esc.find('\x7f') == std::string::npos);
    CHECK(esc.find("a\\x1bb\\x7f") != std::string::npos);
}

TEST_CASE("a synced folder target with '..' fails validate, not up", "[envfile]") {
    TempDir d;
    auto r = envfile::load_string(
        "machines:\n  m:\n    box: bb\n    synced_folders: [{source: ., target: /env/../etc}]\n",
        (d.path / "Envfile").string());
    REQUIRE_FALSE(r);
    CHECK(r.error().message().find("must not contain '..'") != std::string::npos);
    CHECK(envfile::load_string(
        "machines:\n  m:\n    box: bb\n    synced_folders: [{source: ., target: /env/..x/y}]\n",
        (d.path / "Envfile").string()));
}
