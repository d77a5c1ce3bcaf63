/*
 * echo_load: closed-loop TCP echo load generator for the Ringbolt benchmark harness.
 *
 * Opens N connections to HOST:PORT and keeps exactly one fixed-size message in flight on each:
 * send, wait until the whole echo is back, record the round-trip time, send again. One thread,
 * one epoll instance (the harness pins it to its own CPU). After a warm-up it counts round trips
 * for a fixed window and prints one result line of key=value pairs:
 *
 *   result conns=64 size=64 window_s=5.000 round_trips=... rps=... p50_us=... p99_us=...
 *          p999_us=... max_us=... server_cpu_s=... server_cpu_us_per_rt=... server_cpu_pct=...
 *          client_cpu_pct=...
 *
 * Server CPU is utime+stime of --pid from /proc/PID/stat (all threads of the process), read at
 * the start and the end of the measured window, so it covers exactly the round trips counted.
 *
 *   echo_load --port P [--host 127.0.0.1] [--conns N] [--size B] [--warmup S] [--duration S]
 *             [--pid SERVER_PID] [--stall-timeout S]
 *   echo_load --probe --port P      one round trip within 1 s, exit 0 if the echo came back
 *
 * Exit status: 0 ok, 1 a connection failed or stalled (the message says which step), 2 usage.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#define MAX_SIZE 65536
#define SUB_BITS 6                      /* 64 sub-buckets per power of two: <1.6% error */
#define SUB_COUNT (1 << SUB_BITS)
#define HIST_BUCKETS ((64 - SUB_BITS) * SUB_COUNT + SUB_COUNT)

struct conn {
    int fd;
    int rx;               /* bytes of the current echo received */
    int tx;               /* bytes of the current message sent */
    int64_t sent_ns;      /* when the first byte of the current message was sent */
};

static uint64_t hist[HIST_BUCKETS];
static uint64_t hist_count;
static int64_t hist_max;

static int64_t now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t) ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/* Log-linear bucket: exact below 64 ns, then 64 sub-buckets per power of two. */
static int bucket_of(uint64_t v) {
    if (v < SUB_COUNT) return (int) v;
    int msb = 63 - __builtin_clzll(v);
    int shift = msb - SUB_BITS;           /* v >> shift is in [64, 128) */
    return (shift + 1) * SUB_COUNT + (int) ((v >> shift) - SUB_COUNT);
}

static uint64_t bucket_value(int b) {
    if (b < SUB_COUNT) return (uint64_t) b;
    int shift = b / SUB_COUNT - 1;
    uint64_t sub = (uint64_t) (b % SUB_COUNT) + SUB_COUNT;
    return ((sub << shift) + ((sub + 1) << shift)) / 2;   /* bucket midpoint */
}

static void record(int64_t ns) {
    if (ns < 0) ns = 0;
    hist[bucket_of((uint64_t) ns)]++;
    hist_count++;
    if (ns > hist_max) hist_max = ns;
}

static double percentile_us(double p) {
    if (hist_count == 0) return 0;
    uint64_t rank = (uint64_t) (p * (double) hist_count);
    if (rank >= hist_count) rank = hist_count - 1;
    uint64_t seen = 0;
    for (int b = 0; b < HIST_BUCKETS; b++) {
        seen += hist[b];
        if (seen > rank) return (double) bucket_value(b) / 1000.0;
    }
    return (double) hist_max / 1000.0;
}

/* utime+stime of a whole process in seconds, or -1 when /proc/PID/stat cannot be read. */
static double process_cpu_s(int pid) {
    if (pid <= 0) return -1;
    char path[64], buf[4096];
    snprintf(path, sizeof path, "/proc/%d/stat", pid);
    int fd = open(path, O_RDONLY);
    if (fd < 0) return -1;
    ssize_t n = read(fd, buf, sizeof buf - 1);
    close(fd);
    if (n <= 0) return -1;
    buf[n] = 0;
    char *p = strrchr(buf, ')');          /* comm may contain spaces; fields restart after ')' */
    if (!p) return -1;
    unsigned long long utime = 0, stime = 0;
    /* after ')': state(3) ppid pgrp session tty_nr tpgid flags minflt cminflt majflt cmajflt utime(14) stime(15) */
    if (sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu", &utime, &stime) != 2) return -1;
    return (double) (utime + stime) / (double) sysconf(_SC_CLK_TCK);
}

/* Busy time of all CPUs together in seconds (user+nice+system+irq+softirq+steal of /proc/stat). */
static double machine_busy_s(void) {
    FILE *f = fopen("/proc/stat", "r");
    if (!f) return -1;
    unsigned long long v[8] = {0};
    int n = fscanf(f, "cpu %llu %llu %llu %llu %llu %llu %llu %llu", &v[0], &v[1], &v[2], &v[3], &v[4], &v[5], &v[6], &v[7]);
    fclose(f);
    if (n < 8) return -1;
    return (double) (v[0] + v[1] + v[2] + v[5] + v[6] + v[7]) / (double) sysconf(_SC_CLK_TCK);
}

static double self_cpu_s(void) {
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return ru.ru_utime.tv_sec + ru.ru_stime.tv_sec + (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

static void usage(void) {
    fprintf(stderr, "usage: echo_load --port P [--host H] [--conns N] [--size B] [--warmup S] [--duration S] "
                    "[--pid SERVER_PID] [--stall-timeout S] | --probe --port P [--host H]\n");
    exit(2);
}

static int connect_one(const struct sockaddr_in *addr, int index) {
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0) { fprintf(stderr, "echo_load: step=connect conn=%d socket: %s\n", index, strerror(errno)); return -1; }
    struct timeval tv = { .tv_sec = 5 };   /* a blocking connect honours SO_SNDTIMEO */
    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
    if (connect(fd, (const struct sockaddr *) addr, sizeof *addr) < 0) {
        fprintf(stderr, "echo_load: step=connect conn=%d %s:%d: %s\n", index,
                inet_ntoa(addr->sin_addr), ntohs(addr->sin_port), strerror(errno));
        close(fd);
        return -1;
    }
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
    return fd;
}

/* Sends the rest of the current message; returns -1 on error, 0 when blocked, 1 when done. */
static int send_rest(struct conn *c, const char *msg, int size, int epfd) {
    while (c->tx < size) {
        ssize_t n = send(c->fd, msg + c->tx, (size_t) (size - c->tx), MSG_NOSIGNAL);
        if (n > 0) { c->tx += (int) n; continue; }
        if (n < 0 && errno == EINTR) continue;
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            struct epoll_event ev = { .events = EPOLLIN | EPOLLOUT, .data.ptr = c };
            epoll_ctl(epfd, EPOLL_CTL_MOD, c->fd, &ev);
            return 0;
        }
        return -1;
    }
    return 1;
}

int main(int argc, char **argv) {
    const char *host = "127.0.0.1";
    int port = 0, conns = 1, size = 64, pid = 0, probe = 0;
    double warmup_s = 2, duration_s = 5, stall_s = 5;
    for (int i = 1; i < argc; i++) {
        const char *k = argv[i];
        if (!strcmp(k, "--probe")) { probe = 1; continue; }
        if (i + 1 >= argc) usage();
        const char *v = argv[++i];
        if (!strcmp(k, "--host")) host = v;
        else if (!strcmp(k, "--port")) port = atoi(v);
        else if (!strcmp(k, "--conns")) conns = atoi(v);
        else if (!strcmp(k, "--size")) size = atoi(v);
        else if (!strcmp(k, "--warmup")) warmup_s = atof(v);
        else if (!strcmp(k, "--duration")) duration_s = atof(v);
        else if (!strcmp(k, "--pid")) pid = atoi(v);
        else if (!strcmp(k, "--stall-timeout")) stall_s = atof(v);
        else usage();
    }
    if (port <= 0 || conns < 1 || size < 1 || size > MAX_SIZE || duration_s <= 0) usage();
    if (probe) { conns = 1; warmup_s = 0; duration_s = 1; stall_s = 1; }

    struct sockaddr_in addr = { .sin_family = AF_INET, .sin_port = htons((uint16_t) port) };
    if (inet_pton(AF_INET, host, &addr.sin_addr) != 1) { fprintf(stderr, "echo_load: bad host %s\n", host); return 2; }

    char *msg = malloc((size_t) size), *rxbuf = malloc(MAX_SIZE);
    for (int i = 0; i < size; i++) msg[i] = (char) ('a' + i % 26);
    struct conn *cs = calloc((size_t) conns, sizeof *cs);
    int epfd = epoll_create1(0);

    for (int i = 0; i < conns; i++) {
        cs[i].fd = connect_one(&addr, i);
        if (cs[i].fd < 0) return 1;
        struct epoll_event ev = { .events = EPOLLIN, .data.ptr = &cs[i] };
        epoll_ctl(epfd, EPOLL_CTL_ADD, cs[i].fd, &ev);
    }

    int64_t start = now_ns();
    for (int i = 0; i < conns; i++) {
        cs[i].sent_ns = start;
        if (send_rest(&cs[i], msg, size, epfd) < 0) {
            fprintf(stderr, "echo_load: step=send conn=%d: %s\n", i, strerror(errno));
            return 1;
        }
    }

    int64_t warm_end = start + (int64_t) (warmup_s * 1e9);
    int64_t end = warm_end + (int64_t) (duration_s * 1e9);
    int64_t last_progress = start;
    int measuring = warmup_s <= 0;
    uint64_t counted = 0, total = 0;
    double srv0 = measuring ? process_cpu_s(pid) : 0, cli0 = measuring ? self_cpu_s() : 0;
    double all0 = measuring ? machine_busy_s() : 0;
    int64_t window_start = measuring ? start : 0;
    struct epoll_event events[1024];

    for (;;) {
        int n = epoll_wait(epfd, events, 1024, 100);
        if (n < 0 && errno != EINTR) { perror("echo_load: epoll_wait"); return 1; }
        int64_t t = now_ns();
        for (int e = 0; e < n; e++) {
            struct conn *c = events[e].data.ptr;
            if (events[e].events & EPOLLOUT) {
                int r = send_rest(c, msg, size, epfd);
                if (r < 0) { fprintf(stderr, "echo_load: step=send: %s\n", strerror(errno)); return 1; }
                if (r > 0) {
                    struct epoll_event ev = { .events = EPOLLIN, .data.ptr = c };
                    epoll_ctl(epfd, EPOLL_CTL_MOD, c->fd, &ev);
                }
            }
            if (!(events[e].events & (EPOLLIN | EPOLLERR | EPOLLHUP))) continue;
            ssize_t r = recv(c->fd, rxbuf, MAX_SIZE, 0);
            if (r == 0) { fprintf(stderr, "echo_load: step=recv: server closed a connection\n"); return 1; }
            if (r < 0) {
                if (errno == EAGAIN || errno == EINTR) continue;
                fprintf(stderr, "echo_load: step=recv: %s\n", strerror(errno));
                return 1;
            }
            if (c->rx + r > size || rxbuf[0] != msg[c->rx]) {
                fprintf(stderr, "echo_load: step=verify: got %zd bytes not matching the message at offset %d\n", r, c->rx);
                return 1;
            }
            c->rx += (int) r;
            if (c->rx < size) continue;
            /* A whole echo is back: one round trip. */
            total++;
            last_progress = t;
            if (measuring && t < end) { counted++; record(t - c->sent_ns); }
            c->rx = 0;
            c->tx = 0;
            c->sent_ns = t;
            if (send_rest(c, msg, size, epfd) < 0) { fprintf(stderr, "echo_load: step=send: %s\n", strerror(errno)); return 1; }
        }
        if (!measuring && t >= warm_end) {
            measuring = 1;
            window_start = t;
            srv0 = process_cpu_s(pid);
            cli0 = self_cpu_s();
            all0 = machine_busy_s();
        }
        if (measuring && t >= end) break;
        if (probe && total > 0) break;
        if (t - last_progress > (int64_t) (stall_s * 1e9)) {
            fprintf(stderr, "echo_load: step=%s: no echo for %.1f s (round trips so far %llu)\n",
                    probe ? "probe" : measuring ? "measure" : "warmup", stall_s, (unsigned long long) total);
            return 1;
        }
    }
    int64_t window_end = now_ns();
    double srv1 = process_cpu_s(pid), cli1 = self_cpu_s(), all1 = machine_busy_s();
    double window = (double) (window_end - window_start) / 1e9;
    if (probe) {
        if (total == 0) { fprintf(stderr, "echo_load: step=probe: no echo within 1 s\n"); return 1; }
        printf("probe ok rtt_us=%.1f\n", percentile_us(0.5));
        return 0;
    }
    double srv = (pid > 0 && srv0 >= 0 && srv1 >= 0) ? srv1 - srv0 : -1;
    /* CPU used by everything except this client and the server: noise from other workloads. */
    double other_pct = srv >= 0 && all0 >= 0 && all1 >= 0
            ? 100 * ((all1 - all0) - srv - (cli1 - cli0)) / window : -1;
    if (srv >= 0 && other_pct < 0) other_pct = 0;   /* tick granularity */
    printf("result conns=%d size=%d window_s=%.3f round_trips=%llu rps=%.1f p50_us=%.1f p99_us=%.1f "
           "p999_us=%.1f max_us=%.1f server_cpu_s=%.3f server_cpu_us_per_rt=%.3f server_cpu_pct=%.1f "
           "client_cpu_pct=%.1f other_cpu_pct=%.1f\n",
           conns, size, window, (unsigned long long) counted, counted / window,
           percentile_us(0.50), percentile_us(0.99), percentile_us(0.999), hist_max / 1000.0,
           srv, srv >= 0 && counted ? srv * 1e6 / counted : -1, srv >= 0 ? 100 * srv / window : -1,
           100 * (cli1 - cli0) / window, other_pct);
    return 0;
}
