// Every file in tests/data/envfiles/bad/ declares the problems it must produce in its first
// lines, one per line and in file order:
//   # expect: LINE:COL: message fragment
// The test checks that loading reports exactly those problems: same count, same order,
// exact LINE:COL, and a message containing the fragment.
#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "envfile/load.h"

namespace fs = std::filesystem;
using namespace env;

namespace {

struct Problem {
    std::string position;  // "LINE:COL"
    std::string message;
};

std::vector<Problem> expectations(const fs::path& file) {
    std::ifstream in(file);
    std::vector<Problem> out;
    std::string line;
    const std::string tag = "# expect: ";
    while (std::getline(in, line) && line.starts_with(tag)) {
        std::string rest = line.substr(tag.size());
        size_t sep = rest.find(": ");
        out.push_back({rest.substr(0, sep), rest.substr(sep + 2)});
    }
    return out;
}

// Splits "PATH:LINE:COL: message" lines into problems.
std::vector<Problem> reported(const std::string& message, const std::string& path) {
    std::vector<Problem> out;
    std::istringstream in(message);
    std::string line;
    while (std::getline(in, line)) {
        REQUIRE(line.starts_with(path + ":"));
        std::string rest = line.substr(path.size() + 1);
        size_t sep = rest.find(": ");
        out.push_back({rest.substr(0, sep), rest.substr(sep + 2)});
    }
    return out;
}

std::vector<fs::path> corpus() {
    std::vector<fs::path> files;
    for (auto& e : fs::directory_iterator(fs::path(ENV_SOURCE_DIR) / "tests/data/envfiles/bad"))
        if (e.path().extension() == ".Envfile") files.push_back(e.path());
    std::sort(files.begin(), files.end());
    return files;
}

}  // namespace

TEST_CASE("every bad Envfile reports exactly its expected problems at LINE:COL", "[envfile]") {
    auto files = corpus();
    REQUIRE(files.size() >= 40);
    for (auto& file : files) {
        INFO("file: " << file.filename().string());
        auto expected = expectations(file);
        REQUIRE(!expected.empty());
        auto r = envfile::load(file.string());
        REQUIRE(!r);
        CHECK(r.error().kind() == ErrorKind::Invalid);
        auto got = reported(r.error().message(), file.string());
        INFO("reported:\n" << r.error().message());
        CHECK(got.size() == expected.size());
        if (got.size() != expected.size()) continue;
        for (size_t i = 0; i < got.size(); ++i) {
            CHECK(got[i].position == expected[i].position);
            CHECK_THAT(got[i].message, Catch::Contains(expected[i].message));
        }
    }
}

TEST_CASE("one Envfile with several problems reports all of them in file order", "[envfile]") {
    const std::string text =
        "version: 1\n"                          // 1
        "networks:\n"                           // 2
        "  lab:\n"                              // 3
        "    type: host-only\n"                 // 4
        "    subnet: 10.0.0/24\n"               // 5  bad CIDR
        "machines:\n"                           // 6
        "  web${i}:\n"                          // 7
        "    for:\n"                            // 8
        "      i: 1..2\n"                       // 9
        "    box: debian-12\n"                  // 10
        "    memroy: 1G\n"                      // 11 unknown key (once, not once per machine)
        "    cpus: lots\n"                      // 12 wrong type
        "    networks:\n"                       // 13
        "      - network: lab\n"                // 14
        "        ip: 192.168.1.${j}\n"          // 15 unbound variable
        "  Db:\n"                               // 16 bad name
        "    box: debian-12\n"                  // 17
        "    provider: vmware\n"                // 18 unknown provider
        "    ports:\n"                          // 19
        "      - guest: 80\n"                   // 20
        "        host: 8080\n"                  // 21
        "        protocol: sctp\n"              // 22 bad protocol
        "    provision:\n"                      // 23
        "      - shell: {path: missing.sh}\n";  // 24 missing script
    auto r = envfile::load_string(text, "Envfile");
    REQUIRE(!r);
    auto got = reported(r.error().message(), "Envfile");
    INFO(r.error().message());
    REQUIRE(got.size() == 8);
    CHECK(got[0].position == "5:13");
    CHECK_THAT(got[0].message, Catch::Contains("subnet '10.0.0'"));
    CHECK(got[1].position == "11:5");
    CHECK_THAT(got[1].message, Catch::Contains("did you mean 'memory'?"));
    CHECK(got[2].position == "12:11");
    CHECK_THAT(got[2].message, Catch::Contains("'cpus' must be an integer"));
    CHECK(got[3].position == "15:13");
    CHECK_THAT(got[3].message, Catch::Contains("loop variable 'j' is not bound"));
    CHECK(got[4].position == "16:3");
    CHECK_THAT(got[4].message, Catch::Contains("upper-case"));
    CHECK(got[5].position == "18:15");
    CHECK_THAT(got[5].message, Catch::Contains("'provider' is 'vmware'"));
    CHECK(got[6].position == "22:19");
    CHECK_THAT(got[6].message, Catch::Contains("'protocol' is 'sctp'"));
    CHECK(got[7].position == "24:23");
    CHECK_THAT(got[7].message, Catch::Contains("missing.sh does not exist"));
}

TEST_CASE("a missing Envfile is NotFound, not Invalid", "[envfile]") {
    auto r = envfile::load(std::string(ENV_BINARY_DIR) + "/no/such/Envfile");
    REQUIRE(!r);
    CHECK(r.error().kind() == ErrorKind::NotFound);
}
