#ifndef FEEDWATCH_CCURL_SHIM_H
#define FEEDWATCH_CCURL_SHIM_H

#include <curl/curl.h>
// The event loop that drives libcurl's multi_socket API (CurlMultiLoop):
// Swift's Glibc module has neither.
#include <sys/epoll.h>
#include <sys/eventfd.h>

// curl_easy_setopt, curl_easy_getinfo and curl_multi_setopt are variadic, which
// Swift cannot call. These typed wrappers give Swift one entry point per
// argument type.

typedef size_t (*feedwatch_curl_data_callback)(char *, size_t, size_t, void *);

static inline long feedwatch_curl_global_default(void) { return CURL_GLOBAL_DEFAULT; }
static inline long feedwatch_curlauth_basic(void) { return (long)CURLAUTH_BASIC; }

static inline CURLcode feedwatch_easy_setopt_long(CURL *h, CURLoption o, long v) {
    return curl_easy_setopt(h, o, v);
}
static inline CURLcode feedwatch_easy_setopt_off(CURL *h, CURLoption o, curl_off_t v) {
    return curl_easy_setopt(h, o, v);
}
static inline CURLcode feedwatch_easy_setopt_string(CURL *h, CURLoption o, const char *v) {
    return curl_easy_setopt(h, o, v);
}
static inline CURLcode feedwatch_easy_setopt_pointer(CURL *h, CURLoption o, void *v) {
    return curl_easy_setopt(h, o, v);
}
// For CURLOPT_COPYPOSTFIELDS: bytes libcurl copies, not a C string. Set
// CURLOPT_POSTFIELDSIZE_LARGE first, or libcurl measures them with strlen().
static inline CURLcode feedwatch_easy_setopt_bytes(CURL *h, CURLoption o, const void *v) {
    return curl_easy_setopt(h, o, v);
}
static inline CURLcode feedwatch_easy_setopt_slist(CURL *h, CURLoption o, struct curl_slist *v) {
    return curl_easy_setopt(h, o, v);
}
static inline CURLcode feedwatch_easy_setopt_callback(CURL *h, CURLoption o, feedwatch_curl_data_callback v) {
    return curl_easy_setopt(h, o, v);
}

static inline CURLcode feedwatch_easy_getinfo_long(CURL *h, CURLINFO i, long *v) {
    return curl_easy_getinfo(h, i, v);
}
static inline CURLcode feedwatch_easy_getinfo_string(CURL *h, CURLINFO i, char **v) {
    return curl_easy_getinfo(h, i, v);
}
static inline CURLcode feedwatch_easy_getinfo_off(CURL *h, CURLINFO i, curl_off_t *v) {
    return curl_easy_getinfo(h, i, v);
}
static inline CURLcode feedwatch_easy_getinfo_pointer(CURL *h, CURLINFO i, void **v) {
    return curl_easy_getinfo(h, i, v);
}

static inline CURLMcode feedwatch_multi_setopt_long(CURLM *m, CURLMoption o, long v) {
    return curl_multi_setopt(m, o, v);
}
static inline CURLMcode feedwatch_multi_setopt_pointer(CURLM *m, CURLMoption o, void *v) {
    return curl_multi_setopt(m, o, v);
}
static inline CURLMcode feedwatch_multi_setopt_socket_callback(CURLM *m, curl_socket_callback v) {
    return curl_multi_setopt(m, CURLMOPT_SOCKETFUNCTION, v);
}
static inline CURLMcode feedwatch_multi_setopt_timer_callback(CURLM *m, curl_multi_timer_callback v) {
    return curl_multi_setopt(m, CURLMOPT_TIMERFUNCTION, v);
}
static inline CURLSHcode feedwatch_share_setopt_lock_data(CURLSH *s, curl_lock_data d) {
    return curl_share_setopt(s, CURLSHOPT_SHARE, d);
}
// CURL_SOCKET_TIMEOUT is a cast, which Swift does not import.
static inline curl_socket_t feedwatch_curl_socket_timeout(void) { return CURL_SOCKET_TIMEOUT; }

#endif
