/*
 * udp_load: closed-loop UDP echo load generator for the Ringbolt benchmark harness.
 *
 * Opens N connected UDP sockets to HOST:PORT (each its own source port, so a server with one
 * SO_REUSEPORT socket per reactor sees N sources) and keeps exactly one datagram in flight on
 * each: send, wait for the echo, record the round trip, send again. With --burst B each socket
 * sends B datagrams back to back and the next B once all B echoes are in (the shape of a
 * server that answers a flow with several datagrams at once, where UDP GSO applies); every
 * echo counts as a round trip. A datagram not echoed
 * within --loss-timeout is counted lost and sent anew, so a lost datagram costs a window a
 * little time but never stalls it. One thread, one epoll instance (the harness pins it to its
 * own CPU). After a warm-up it counts round trips for a fixed window and prints one line:
 *
 *   result sockets=64 size=64 window_s=... round_trips=... dps=... p50_us=... p99_us=...
 *          max_us=... lost=... server_cpu_s=... server_cpu_us_per_dgram=... server_cpu_pct=...
 *          client_cpu_pct=... other_cpu_pct=...
 *
 * dps counts echoed datagrams per second (one round trip = one datagram in and one out of the
 * server); server_cpu_us_per_dgram is the server's CPU over the window per round trip.
 *
 *   udp_load --port P [--host 127.0.0.1] [--sockets N] [--size B] [--warmup S] [--duration S]
 *            [--pid SERVER_PID] [--loss-timeout-ms MS] [--burst B]
 *   udp_load --probe --port P      one echo within 1 s, exit 0 if it came back
 *
 * Exit status: 0 ok, 1 a socket failed or nothing came back for 5 s, 2 usage.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
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

#define MAX_SIZE 65507
#define SUB_BITS 6
#define SUB_COUNT (1 << SUB_BITS)
#define HIST_BUCKETS ((64 - SUB_BITS) * SUB_COUNT + SUB_COUNT)

struct sock {
    int fd;
    int64_t sent_ns;
    uint64_t seq;         /* sequence number of the burst in flight (its datagrams' first 8 bytes) */
    int pending;          /* echoes of that burst still to come */
};

static int burst = 1;

static uint64_t hist[HIST_BUCKETS];
static uint64_t hist_count;
static int64_t hist_max;

static int64_t now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t) ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static int bucket_of(uint64_t v) {
    if (v < SUB_COUNT) return (int) v;
    int msb = 63 - __builtin_clzll(v);
    int shift = msb - SUB_BITS;
    return (shift + 1) * SUB_COUNT + (int) ((v >> shift) - SUB_COUNT);
}

static uint64_t bucket_value(int b) {
    if (b < SUB_COUNT) return (uint64_t) b;
    int shift = b / SUB_COUNT - 1;
    uint64_t sub = (uint64_t) (b % SUB_COUNT) + SUB_COUNT;
    return ((sub << shift) + ((sub + 1) << shift)) / 2;
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
    char *p = strrchr(buf, ')');
    if (!p) return -1;
    unsigned long long utime = 0, stime = 0;
    if (sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu", &utime, &stime) != 2) return -1;
    return (double) (utime + stime) / (double) sysconf(_SC_CLK_TCK);
}

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

/* Sends the socket's next burst: the message with the socket's new sequence number in front, burst times. */
static void send_next(struct sock *s, char *msg, int size) {
    s->seq++;
    s->pending = burst;
    if (size >= 8) memcpy(msg, &s->seq, 8);
    for (int i = 0; i < burst; i++) send(s->fd, msg, (size_t) size, 0);
}

static void usage(void) {
    fprintf(stderr, "usage: udp_load --port P [--host H] [--sockets N] [--size B] [--warmup S] [--duration S] "
                    "[--pid SERVER_PID] [--loss-timeout-ms MS] [--burst B] | --probe --port P [--host H]\n");
    exit(2);
}

int main(int argc, char **argv) {
    const char *host = "127.0.0.1";
    int port = 0, nsock = 1, size = 64, pid = 0, probe = 0, loss_ms = 200;
    double warmup_s = 2, duration_s = 5;
    for (int i = 1; i < argc; i++) {
        const char *k = argv[i];
        if (!strcmp(k, "--probe")) { probe = 1; continue; }
        if (i + 1 >= argc) usage();
        const char *v = argv[++i];
        if (!strcmp(k, "--host")) host = v;
        else if (!strcmp(k, "--port")) port = atoi(v);
        else if (!strcmp(k, "--sockets")) nsock = atoi(v);
        else if (!strcmp(k, "--size")) size = atoi(v);
        else if (!strcmp(k, "--warmup")) warmup_s = atof(v);
        else if (!strcmp(k, "--duration")) duration_s = atof(v);
        else if (!strcmp(k, "--pid")) pid = atoi(v);
        else if (!strcmp(k, "--loss-timeout-ms")) loss_ms = atoi(v);
        else if (!strcmp(k, "--burst")) burst = atoi(v);
        else usage();
    }
    if (port <= 0 || nsock < 1 || size < 0 || size > MAX_SIZE || duration_s <= 0 || loss_ms < 1 || burst < 1 || burst > 1024) usage();
    if (probe) { nsock = 1; warmup_s = 0; duration_s = 1; }

    struct sockaddr_in addr = { .sin_family = AF_INET, .sin_port = htons((uint16_t) port) };
    if (inet_pton(AF_INET, host, &addr.sin_addr) != 1) { fprintf(stderr, "udp_load: bad host %s\n", host); return 2; }

    char *msg = malloc((size_t) size + 1), *rxbuf = malloc(MAX_SIZE + 1);
    for (int i = 0; i < size; i++) msg[i] = (char) ('a' + i % 26);
    struct sock *ss = calloc((size_t) nsock, sizeof *ss);
    int epfd = epoll_create1(0);
    for (int i = 0; i < nsock; i++) {
        int fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, 0);
        if (fd < 0 || connect(fd, (struct sockaddr *) &addr, sizeof addr) < 0) {
            fprintf(stderr, "udp_load: step=socket sock=%d: %s\n", i, strerror(errno));
            return 1;
        }
        ss[i].fd = fd;
        struct epoll_event ev = { .events = EPOLLIN, .data.ptr = &ss[i] };
        epoll_ctl(epfd, EPOLL_CTL_ADD, fd, &ev);
    }
    int64_t start = now_ns();
    for (int i = 0; i < nsock; i++) {
        ss[i].sent_ns = start;
        send_next(&ss[i], msg, size);
    }
    int64_t warm_end = start + (int64_t) (warmup_s * 1e9);
    int64_t end = warm_end + (int64_t) (duration_s * 1e9);
    int64_t last_progress = start, last_loss_scan = start, loss_ns = (int64_t) loss_ms * 1000000;
    int measuring = warmup_s <= 0;
    uint64_t counted = 0, total = 0, lost = 0;
    double srv0 = measuring ? process_cpu_s(pid) : 0, cli0 = measuring ? self_cpu_s() : 0;
    double all0 = measuring ? machine_busy_s() : 0;
    int64_t window_start = measuring ? start : 0;
    struct epoll_event events[1024];

    for (;;) {
        int n = epoll_wait(epfd, events, 1024, 10);
        if (n < 0 && errno != EINTR) { perror("udp_load: epoll_wait"); return 1; }
        int64_t t = now_ns();
        for (int e = 0; e < n; e++) {
            struct sock *s = events[e].data.ptr;
            for (;;) {
                ssize_t r = recv(s->fd, rxbuf, MAX_SIZE + 1, 0);
                if (r < 0) {
                    if (errno == EAGAIN || errno == EINTR) break;
                    if (errno == ECONNREFUSED) break;      /* the server is not up (yet): the loss timer resends */
                    fprintf(stderr, "udp_load: step=recv: %s\n", strerror(errno));
                    return 1;
                }
                int head = size >= 8 ? 8 : 0;
                if (r != size || memcmp(rxbuf + head, msg + head, (size_t) (size - head)) != 0) {
                    fprintf(stderr, "udp_load: step=verify: got %zd bytes, not the %d-byte message\n", r, size);
                    return 1;
                }
                uint64_t seq = s->seq;
                if (head) memcpy(&seq, rxbuf, 8);
                if (seq != s->seq) continue;              /* a late echo of a datagram counted lost */
                total++;
                last_progress = t;
                /* A burst's echoes can come in the same pass as its send: read the clock anew. */
                if (burst > 1) t = now_ns();
                if (measuring && t < end) { counted++; record(t - s->sent_ns); }
                if (--s->pending > 0) continue;
                s->sent_ns = t;
                send_next(s, msg, size);
            }
        }
        if (t - last_loss_scan > loss_ns / 4) {
            last_loss_scan = t;
            for (int i = 0; i < nsock; i++) {
                if (t - ss[i].sent_ns > loss_ns) {
                    if (measuring && t < end) lost += (uint64_t) ss[i].pending;
                    ss[i].sent_ns = t;
                    send_next(&ss[i], msg, size);
                }
            }
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
        if (t - last_progress > (probe ? 1000000000LL : 5000000000LL)) {
            fprintf(stderr, "udp_load: step=%s: no echo for %s (round trips so far %llu)\n",
                    probe ? "probe" : measuring ? "measure" : "warmup", probe ? "1 s" : "5 s", (unsigned long long) total);
            return 1;
        }
    }
    int64_t window_end = now_ns();
    double srv1 = process_cpu_s(pid), cli1 = self_cpu_s(), all1 = machine_busy_s();
    double window = (double) (window_end - window_start) / 1e9;
    if (probe) {
        if (total == 0) { fprintf(stderr, "udp_load: step=probe: no echo within 1 s\n"); return 1; }
        printf("probe ok rtt_us=%.1f\n", percentile_us(0.5));
        return 0;
    }
    double srv = (pid > 0 && srv0 >= 0 && srv1 >= 0) ? srv1 - srv0 : -1;
    double other_pct = srv >= 0 && all0 >= 0 && all1 >= 0 ? 100 * ((all1 - all0) - srv - (cli1 - cli0)) / window : -1;
    if (srv >= 0 && other_pct < 0) other_pct = 0;
    printf("result sockets=%d size=%d burst=%d window_s=%.3f round_trips=%llu dps=%.1f p50_us=%.1f p99_us=%.1f max_us=%.1f "
           "lost=%llu server_cpu_s=%.3f server_cpu_us_per_dgram=%.3f server_cpu_pct=%.1f client_cpu_pct=%.1f "
           "other_cpu_pct=%.1f\n",
           nsock, size, burst, window, (unsigned long long) counted, counted / window, percentile_us(0.50),
           percentile_us(0.99), hist_max / 1000.0, (unsigned long long) lost,
           srv, srv >= 0 && counted ? srv * 1e6 / counted : -1, srv >= 0 ? 100 * srv / window : -1,
           100 * (cli1 - cli0) / window, other_pct);
    return 0;
}
