// libcurl and libarchive, loaded on first use. Linked normally, they and their ~30
// dependencies (gnutls, krb5, ldap, icu, nghttp2, ...) are mapped and relocated at the start
// of every env command: about half of the CLI's startup (2-3 ms of CPU, more on a loaded
// host), though only `box add` and `box update` use them. These definitions of the
// functions downloader.cpp, extract.cpp and inflater.cpp call forward to the real ones,
// looked up in the library's own handle (so a program that also links the library, as
// some tests do, still reaches the real function, never this one again).
#define CURL_DISABLE_TYPECHECK  // curl_easy_setopt is a plain function here, not its macro
#include <archive.h>
#include <archive_entry.h>
#include <curl/curl.h>

#include <cstdarg>
#include <cstdio>
#include <cstdlib>

#include "util/lazy_library.h"

namespace {

// The sonames are the libraries' ABI versions, the ones the headers above describe.
void* curl_library() {
    static void* h = env::lazy::open_library("libcurl.so.4");
    return h;
}

void* archive_library() {
    static void* h = env::lazy::open_library("libarchive.so.13");
    return h;
}

template <typename F>
F lookup(void* library, const char* name) {
    return reinterpret_cast<F>(env::lazy::lookup(library, name));
}

}  // namespace

ENV_FORWARD(curl_library, CURLcode, curl_global_init, (long flags), (flags))
ENV_FORWARD(curl_library, CURL*, curl_easy_init, (), ())
ENV_FORWARD(curl_library, void, curl_easy_cleanup, (CURL * c), (c))
ENV_FORWARD(curl_library, CURLcode, curl_easy_perform, (CURL * c), (c))
ENV_FORWARD(curl_library, const char*, curl_easy_strerror, (CURLcode rc), (rc))

// curl's option and info arguments are a long, a curl_off_t, or a (function) pointer: all
// passed in one integer register on the LP64 ABIs we build for, so one void* carries each.
extern "C" CURLcode curl_easy_setopt(CURL* c, CURLoption option, ...) {
    static auto real =
        lookup<CURLcode (*)(CURL*, CURLoption, ...)>(curl_library(), "curl_easy_setopt");
    va_list ap;
    va_start(ap, option);
    void* value = va_arg(ap, void*);
    va_end(ap);
    return real(c, option, value);
}

extern "C" CURLcode curl_easy_getinfo(CURL* c, CURLINFO info, ...) {
    static auto real =
        lookup<CURLcode (*)(CURL*, CURLINFO, ...)>(curl_library(), "curl_easy_getinfo");
    va_list ap;
    va_start(ap, info);
    void* out = va_arg(ap, void*);
    va_end(ap);
    return real(c, info, out);
}

ENV_FORWARD(archive_library, archive*, archive_read_new, (), ())
ENV_FORWARD(archive_library, int, archive_read_free, (archive * a), (a))
ENV_FORWARD(archive_library, int, archive_read_support_filter_all, (archive * a), (a))
ENV_FORWARD(archive_library, int, archive_read_support_format_raw, (archive * a), (a))
ENV_FORWARD(archive_library, int, archive_read_support_format_tar, (archive * a), (a))
ENV_FORWARD(archive_library, int, archive_read_open_filename,
            (archive * a, const char* path, size_t block), (a, path, block))
ENV_FORWARD(archive_library, int, archive_read_open,
            (archive * a, void* data, archive_open_callback* open, archive_read_callback* read,
             archive_close_callback* close),
            (a, data, open, read, close))
ENV_FORWARD(archive_library, int, archive_read_next_header, (archive * a, archive_entry** e),
            (a, e))
ENV_FORWARD(archive_library, la_ssize_t, archive_read_data, (archive * a, void* buf, size_t n),
            (a, buf, n))
ENV_FORWARD(archive_library, int, archive_read_data_block,
            (archive * a, const void** buf, size_t* size, la_int64_t* offset),
            (a, buf, size, offset))
ENV_FORWARD(archive_library, la_int64_t, archive_filter_bytes, (archive * a, int n), (a, n))
ENV_FORWARD(archive_library, const char*, archive_error_string, (archive * a), (a))
ENV_FORWARD(archive_library, archive*, archive_write_disk_new, (), ())
ENV_FORWARD(archive_library, int, archive_write_disk_set_options, (archive * a, int flags),
            (a, flags))
ENV_FORWARD(archive_library, int, archive_write_header, (archive * a, archive_entry* e), (a, e))
ENV_FORWARD(archive_library, la_ssize_t, archive_write_data_block,
            (archive * a, const void* buf, size_t size, la_int64_t offset), (a, buf, size, offset))
ENV_FORWARD(archive_library, int, archive_write_finish_entry, (archive * a), (a))
ENV_FORWARD(archive_library, int, archive_write_close, (archive * a), (a))
ENV_FORWARD(archive_library, int, archive_write_free, (archive * a), (a))
ENV_FORWARD(archive_library, const char*, archive_entry_pathname, (archive_entry * e), (e))
ENV_FORWARD(archive_library, void, archive_entry_set_pathname, (archive_entry * e, const char* p),
            (e, p))
ENV_FORWARD(archive_library, const char*, archive_entry_hardlink, (archive_entry * e), (e))
ENV_FORWARD(archive_library, void, archive_entry_set_hardlink, (archive_entry * e, const char* p),
            (e, p))
ENV_FORWARD(archive_library, const char*, archive_entry_symlink, (archive_entry * e), (e))
ENV_FORWARD(archive_library, __LA_MODE_T, archive_entry_filetype, (archive_entry * e), (e))
ENV_FORWARD(archive_library, la_int64_t, archive_entry_size, (archive_entry * e), (e))

// Formats here, then hands the real function a plain "%s".
extern "C" void archive_set_error(archive* a, int err, const char* fmt, ...) {
    static auto real =
        lookup<void (*)(archive*, int, const char*, ...)>(archive_library(), "archive_set_error");
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    std::vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    real(a, err, "%s", msg);
}
