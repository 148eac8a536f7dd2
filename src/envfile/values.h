#pragma once
// Strict parsers for the values an Envfile holds. Hand-written rather than regex-based:
// they run for every value of every machine on each `env` command, and their error
// messages say exactly what is wrong ("octet 256 is out of range"), not just "no match".
#include <cstdint>
#include <expected>
#include <string>
#include <string_view>

#include "envfile/model.h"

namespace env::envfile {

template <typename T>
using Parsed = std::expected<T, std::string>;  // the error is a message for the user

// Decimal integer, optional leading '-', no '+', no leading zeros beyond "0".
Parsed<int64_t> parse_int(std::string_view s);
// true/false, yes/no, on/off (any case): what YAML users write.
Parsed<bool> parse_bool(std::string_view s);

// "512M", "2G", "1.5G", "2GiB", "512MB", "1T", "64K", "1048576B"; units are binary
// (K = 1024). A plain integer means MiB, as Vagrant's memory setting does.
Parsed<uint64_t> parse_size(std::string_view s);
// "50%" or "50": 1..100.
Parsed<int> parse_percent(std::string_view s);

// One DNS label: [a-z0-9-], 1..63 characters, not starting or ending with '-'.
Parsed<void> check_label(std::string_view s);
// A hostname: labels separated by dots, at most 253 characters.
Parsed<void> check_hostname(std::string_view s);

// "debian-12" or "debian-12@>=1.0,<2": a box name ([A-Za-z0-9._/-]) and an optional
// Vagrant-style constraint list (=, !=, >, <, >=, <=, ~> followed by a dotted version).
Parsed<BoxRef> parse_box(std::string_view s);

}  // namespace env::envfile
