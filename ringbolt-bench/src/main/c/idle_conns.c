/*
 * idle_conns: opens N connections to a server, makes each do one exchange (an HTTP keep-alive
 * GET or one echo), then holds them all idle until SIGTERM/SIGINT, so the harness can read the
 * server's memory per idle connection.
 *
 * Source addresses rotate over 127.0.0.2 .. 127.0.0.(1+K) (IP_BIND_ADDRESS_NO_PORT), since one
 * source address has only ~28,000 ephemeral ports towards one server port. At most WINDOW
 * connections are being set up at any time, so the server's accept backlog never overflows.
 *
 *   idle_conns --port P --conns N [--mode http|echo] [--sources K] [--window W] [--timeout S]
 *
 * Prints "ready conns=N setup_s=..." once every connection finished its exchange, then waits.
 * Exit status: 0 after a signal, 1 when a connection fails or the setup times out, 2 usage.
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
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#ifndef IP_BIND_ADDRESS_NO_PORT
#define IP_BIND_ADDRESS_NO_PORT 24
#endif

enum { CONNECTING = 1, SENT = 2 };

static volatile sig_atomic_t stop;
static void on_signal(int sig) { (void) sig; stop = 1; }

static double now_s(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double) ts.tv_sec + ts.tv_nsec / 1e9;
}

int main(int argc, char **argv) {
    int port = 0, conns = 0, sources = 0, window = 256;
    double timeout_s = 120;
    const char *mode = "http";
    for (int i = 1; i + 1 < argc; i += 2) {
        const char *k = argv[i], *v = argv[i + 1];
        if (!strcmp(k, "--port")) port = atoi(v);
        else if (!strcmp(k, "--conns")) conns = atoi(v);
        else if (!strcmp(k, "--sources")) sources = atoi(v);
        else if (!strcmp(k, "--window")) window = atoi(v);
        else if (!strcmp(k, "--timeout")) timeout_s = atof(v);
        else if (!strcmp(k, "--mode")) mode = v;
        else { fprintf(stderr, "idle_conns: unknown option %s\n", k); return 2; }
    }
    if (port <= 0 || conns <= 0 || window <= 0) {
        fprintf(stderr, "usage: idle_conns --port P --conns N [--mode http|echo] [--sources K] [--window W] [--timeout S]\n");
        return 2;
    }
    if (sources <= 0) sources = conns / 5000 + 1;   /* leaves room for TIME_WAIT of earlier runs */
    if (sources > 250) sources = 250;
    signal(SIGTERM, on_signal);
    signal(SIGINT, on_signal);
    signal(SIGPIPE, SIG_IGN);

    struct rlimit rl = { .rlim_cur = (rlim_t) conns + 64, .rlim_max = (rlim_t) conns + 64 };
    struct rlimit cur;
    getrlimit(RLIMIT_NOFILE, &cur);
    if (cur.rlim_cur < rl.rlim_cur && setrlimit(RLIMIT_NOFILE, &rl) < 0) {
        fprintf(stderr, "idle_conns: step=rlimit: need %d file descriptors (ulimit -n is %llu): %s\n",
                conns + 64, (unsigned long long) cur.rlim_cur, strerror(errno));
        return 1;
    }

    const char *request = strcmp(mode, "echo") == 0
        ? "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
        : "GET /plaintext HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";
    size_t request_len = strlen(request);

    struct sockaddr_in dst = { .sin_family = AF_INET, .sin_port = htons((uint16_t) port) };
    inet_pton(AF_INET, "127.0.0.1", &dst.sin_addr);
    int epfd = epoll_create1(0);
    char *state = calloc((size_t) conns + 64 + 1024, 1);   /* indexed by fd */
    struct epoll_event events[512];
    char buf[4096];
    int opened = 0, done = 0, inflight = 0;
    double start = now_s();

    while (done < conns) {
        while (opened < conns && inflight < window) {
            int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
            if (fd < 0) { fprintf(stderr, "idle_conns: step=socket conn=%d: %s\n", opened, strerror(errno)); return 1; }
            int one = 1;
            setsockopt(fd, IPPROTO_IP, IP_BIND_ADDRESS_NO_PORT, &one, sizeof one);
            struct sockaddr_in src = { .sin_family = AF_INET };
            src.sin_addr.s_addr = htonl(0x7f000002u + (uint32_t) (opened % sources));
            if (bind(fd, (struct sockaddr *) &src, sizeof src) < 0) {
                fprintf(stderr, "idle_conns: step=bind 127.0.0.%d: %s\n", 2 + opened % sources, strerror(errno));
                return 1;
            }
            if (connect(fd, (struct sockaddr *) &dst, sizeof dst) < 0 && errno != EINPROGRESS) {
                fprintf(stderr, "idle_conns: step=connect conn=%d: %s\n", opened, strerror(errno));
                return 1;
            }
            state[fd] = CONNECTING;
            struct epoll_event ev = { .events = EPOLLOUT, .data.fd = fd };
            epoll_ctl(epfd, EPOLL_CTL_ADD, fd, &ev);
            opened++;
            inflight++;
        }
        int n = epoll_wait(epfd, events, 512, 200);
        if (stop) return 0;
        if (now_s() - start > timeout_s) {
            fprintf(stderr, "idle_conns: step=setup: only %d of %d connections ready after %.0f s\n", done, conns, timeout_s);
            return 1;
        }
        for (int e = 0; e < n; e++) {
            int fd = events[e].data.fd;
            if (state[fd] == CONNECTING) {
                int err = 0;
                socklen_t len = sizeof err;
                getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len);
                if (err) { fprintf(stderr, "idle_conns: step=connect: %s\n", strerror(err)); return 1; }
                if (send(fd, request, request_len, MSG_NOSIGNAL) != (ssize_t) request_len) {
                    fprintf(stderr, "idle_conns: step=send: %s\n", strerror(errno));
                    return 1;
                }
                state[fd] = SENT;
                struct epoll_event ev = { .events = EPOLLIN, .data.fd = fd };
                epoll_ctl(epfd, EPOLL_CTL_MOD, fd, &ev);
            } else if (state[fd] == SENT) {
                ssize_t r = recv(fd, buf, sizeof buf, 0);
                if (r == 0 || (r < 0 && errno != EAGAIN)) {
                    fprintf(stderr, "idle_conns: step=recv: the server closed or reset a connection\n");
                    return 1;
                }
                if (r < 0) continue;
                /* The answer arrived (one small segment): the connection is now idle. */
                epoll_ctl(epfd, EPOLL_CTL_DEL, fd, NULL);
                state[fd] = 0;
                done++;
                inflight--;
            }
        }
    }
    printf("ready conns=%d sources=%d setup_s=%.3f\n", conns, sources, now_s() - start);
    fflush(stdout);
    while (!stop) pause();
    return 0;
}
