#pragma once
// Remote over a live SSH Session.
#include "ssh/remote.h"
#include "ssh/session.h"

namespace env::ssh {

class SshRemote : public Remote {
public:
    explicit SshRemote(Session session) : session_(std::move(session)) {}
    Result<int> exec(const std::string& command, const ExecIo& io) override;
    Result<> upload(const std::string& local, const std::string& remote) override;
    std::string machine() const override { return session_.machine(); }
    const Session& session() const { return session_; }

private:
    Session session_;
};

}  // namespace env::ssh
