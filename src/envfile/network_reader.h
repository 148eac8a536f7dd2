#pragma once
// The top-level `networks:` definitions and a machine's `networks:` attachments.
#include <map>
#include <vector>

#include "envfile/reader.h"

namespace env::envfile {

void read_network_definitions(Reader& r, const Field& f, std::map<std::string, Network>& out);

// Needs r.networks set: an attachment is checked against the network it names (known
// network, ip inside its subnet, not its network, broadcast or host address).
void read_attachments(Reader& r, const Field& f, std::vector<NetworkAttachment>& out);

// "host-only" for NetworkType::HostOnly, and so on.
std::string_view network_type_name(NetworkType t);

}  // namespace env::envfile
