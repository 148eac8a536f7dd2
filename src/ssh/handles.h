#pragma once
// RAII owners for libssh handles (DESIGN.md: RAII for every library handle).
#include <libssh/libssh.h>
#include <libssh/sftp.h>

#include <memory>
#include <type_traits>

namespace env::ssh {

struct KeyFree {
    void operator()(ssh_key k) const { ssh_key_free(k); }
};
using KeyPtr = std::unique_ptr<std::remove_pointer_t<ssh_key>, KeyFree>;

struct SessionFree {
    void operator()(ssh_session s) const {
        if (ssh_is_connected(s)) ssh_disconnect(s);
        ssh_free(s);
    }
};
using SessionPtr = std::unique_ptr<std::remove_pointer_t<ssh_session>, SessionFree>;

struct ChannelFree {
    void operator()(ssh_channel c) const {
        if (ssh_channel_is_open(c)) ssh_channel_close(c);
        ssh_channel_free(c);
    }
};
using ChannelPtr = std::unique_ptr<std::remove_pointer_t<ssh_channel>, ChannelFree>;

struct EventFree {
    void operator()(ssh_event e) const { ssh_event_free(e); }
};
using EventPtr = std::unique_ptr<std::remove_pointer_t<ssh_event>, EventFree>;

struct SftpFree {
    void operator()(sftp_session s) const { sftp_free(s); }
};
using SftpPtr = std::unique_ptr<std::remove_pointer_t<sftp_session>, SftpFree>;

struct SftpFileFree {
    void operator()(sftp_file f) const { sftp_close(f); }
};
using SftpFilePtr = std::unique_ptr<std::remove_pointer_t<sftp_file>, SftpFileFree>;

struct StringFree {
    void operator()(char* s) const { ssh_string_free_char(s); }
};
using SshCharPtr = std::unique_ptr<char, StringFree>;

}  // namespace env::ssh
