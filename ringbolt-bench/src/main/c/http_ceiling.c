/*
 * http_ceiling: the least work an HTTP/1.1 server can do, as the ceiling of the comparison.
 *
 * One thread, one epoll instance, edge-triggered. It does not parse requests: it counts request
 * terminators (CRLF CRLF) in each read — across read boundaries too — and answers each with the
 * same fixed "Hello, World!" response, all answers of one read in one send, so pipelining works.
 * A request containing "Connection: close" gets a response saying so and the connection closes
 * once it is written. Request bodies are not supported (GET-only scenarios use it).
 *
 *   http_ceiling --port P [--host 127.0.0.1]
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define READ_SIZE 65536
#define MAX_BATCH 1024

struct conn {
    int fd;
    int match;        /* how much of "\r\n\r\n" ended the previous read */
    int close_after;  /* a request asked for Connection: close */
    char *pending;    /* unsent response bytes (only when the socket buffer was full) */
    size_t pending_len;
};

static char response[256], response_close[256];
static size_t response_len, response_close_len;
static volatile sig_atomic_t stop;

static void on_signal(int sig) { (void) sig; stop = 1; }

static void build_responses(void) {
    char date[64];
    time_t now = time(NULL);
    strftime(date, sizeof date, "%a, %d %b %Y %H:%M:%S GMT", gmtime(&now));
    response_len = (size_t) snprintf(response, sizeof response,
        "HTTP/1.1 200 OK\r\nServer: c\r\nDate: %s\r\nContent-Type: text/plain\r\nContent-Length: 13\r\n\r\n"
        "Hello, World!", date);
    response_close_len = (size_t) snprintf(response_close, sizeof response_close,
        "HTTP/1.1 200 OK\r\nServer: c\r\nDate: %s\r\nContent-Type: text/plain\r\nContent-Length: 13\r\n"
        "Connection: close\r\n\r\nHello, World!", date);
}

/* Counts complete "\r\n\r\n" terminators in buf, carrying a partial match across reads. */
static int count_requests(struct conn *c, const char *buf, size_t n) {
    static const char term[4] = {'\r', '\n', '\r', '\n'};
    int count = 0, m = c->match;
    for (size_t i = 0; i < n; i++) {
        if (buf[i] == term[m]) {
            if (++m == 4) { count++; m = 0; }
        } else {
            m = buf[i] == '\r' ? 1 : 0;
        }
    }
    c->match = m;
    return count;
}

static void close_conn(int epfd, struct conn *c) {
    epoll_ctl(epfd, EPOLL_CTL_DEL, c->fd, NULL);
    close(c->fd);
    free(c->pending);
    free(c);
}

/* Sends buf (after any pending bytes); keeps what the kernel did not take. -1 on error. */
static int send_all(struct conn *c, const char *buf, size_t len) {
    if (c->pending_len) {
        char *p = realloc(c->pending, c->pending_len + len);
        if (!p) return -1;
        memcpy(p + c->pending_len, buf, len);
        c->pending = p;
        c->pending_len += len;
        return 0;   /* EPOLLOUT will flush */
    }
    size_t off = 0;
    while (off < len) {
        ssize_t w = send(c->fd, buf + off, len - off, MSG_NOSIGNAL);
        if (w > 0) { off += (size_t) w; continue; }
        if (w < 0 && errno == EINTR) continue;
        if (w < 0 && errno == EAGAIN) break;
        return -1;
    }
    if (off < len) {
        c->pending = malloc(len - off);
        if (!c->pending) return -1;
        memcpy(c->pending, buf + off, len - off);
        c->pending_len = len - off;
    }
    return 0;
}

static int flush_pending(struct conn *c) {
    size_t off = 0;
    while (off < c->pending_len) {
        ssize_t w = send(c->fd, c->pending + off, c->pending_len - off, MSG_NOSIGNAL);
        if (w > 0) { off += (size_t) w; continue; }
        if (w < 0 && errno == EINTR) continue;
        if (w < 0 && errno == EAGAIN) break;
        return -1;
    }
    memmove(c->pending, c->pending + off, c->pending_len - off);
    c->pending_len -= off;
    return 0;
}

int main(int argc, char **argv) {
    const char *host = "127.0.0.1";
    int port = 0;
    for (int i = 1; i + 1 < argc; i += 2) {
        if (!strcmp(argv[i], "--port")) port = atoi(argv[i + 1]);
        else if (!strcmp(argv[i], "--host")) host = argv[i + 1];
    }
    if (port <= 0) { fprintf(stderr, "usage: http_ceiling --port P [--host H]\n"); return 2; }
    signal(SIGTERM, on_signal);
    signal(SIGINT, on_signal);
    signal(SIGPIPE, SIG_IGN);
    build_responses();

    int lfd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
    int one = 1;
    setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    struct sockaddr_in addr = { .sin_family = AF_INET, .sin_port = htons((uint16_t) port) };
    inet_pton(AF_INET, host, &addr.sin_addr);
    if (bind(lfd, (struct sockaddr *) &addr, sizeof addr) < 0 || listen(lfd, 8192) < 0) {
        fprintf(stderr, "http_ceiling: bind/listen %s:%d: %s\n", host, port, strerror(errno));
        return 1;
    }
    int epfd = epoll_create1(0);
    struct epoll_event lev = { .events = EPOLLIN, .data.ptr = NULL };
    epoll_ctl(epfd, EPOLL_CTL_ADD, lfd, &lev);
    fprintf(stdout, "http_ceiling listening on %s:%d\n", host, port);
    fflush(stdout);

    char *buf = malloc(READ_SIZE), *out = malloc(response_close_len * MAX_BATCH);
    struct epoll_event events[512];
    time_t date_second = time(NULL);
    while (!stop) {
        int n = epoll_wait(epfd, events, 512, 1000);
        if (time(NULL) != date_second) { date_second = time(NULL); build_responses(); }
        for (int e = 0; e < n; e++) {
            struct conn *c = events[e].data.ptr;
            if (!c) {   /* listener */
                for (;;) {
                    int fd = accept4(lfd, NULL, NULL, SOCK_NONBLOCK);
                    if (fd < 0) break;
                    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
                    struct conn *nc = calloc(1, sizeof *nc);
                    nc->fd = fd;
                    struct epoll_event ev = { .events = EPOLLIN | EPOLLOUT | EPOLLET | EPOLLRDHUP, .data.ptr = nc };
                    epoll_ctl(epfd, EPOLL_CTL_ADD, fd, &ev);
                }
                continue;
            }
            if ((events[e].events & EPOLLOUT) && c->pending_len) {
                if (flush_pending(c) < 0) { close_conn(epfd, c); continue; }
                if (!c->pending_len && c->close_after) { close_conn(epfd, c); continue; }
            }
            if (!(events[e].events & (EPOLLIN | EPOLLERR | EPOLLHUP | EPOLLRDHUP))) continue;
            int closed = 0;
            for (;;) {   /* edge-triggered: read until EAGAIN */
                ssize_t r = recv(c->fd, buf, READ_SIZE, 0);
                if (r == 0) { closed = 1; break; }
                if (r < 0) { if (errno == EINTR) continue; if (errno != EAGAIN) closed = 1; break; }
                int count = count_requests(c, buf, (size_t) r);
                if (count == 0) continue;
                if (memmem(buf, (size_t) r, "Connection: close", 17) || memmem(buf, (size_t) r, "connection: close", 17)) {
                    c->close_after = 1;
                }
                while (count > 0) {
                    int batch = count < MAX_BATCH ? count : MAX_BATCH;
                    size_t len = 0;
                    for (int i = 0; i < batch; i++) {
                        int last = c->close_after && count == batch && i == batch - 1;
                        const char *resp = last ? response_close : response;
                        size_t rl = last ? response_close_len : response_len;
                        memcpy(out + len, resp, rl);
                        len += rl;
                    }
                    if (send_all(c, out, len) < 0) { closed = 1; break; }
                    count -= batch;
                }
                if (closed || c->close_after) break;
            }
            if (closed || (c->close_after && !c->pending_len)) close_conn(epfd, c);
        }
    }
    return 0;
}
