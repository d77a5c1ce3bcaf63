/*
 * ws_load: WebSocket load generator for the Ringbolt benchmark harness (profile "ws").
 *
 * Opens N connections to HOST:PORT, upgrades each with an RFC 6455 handshake (a random
 * Sec-WebSocket-Key; the answer must be 101 with the matching Sec-WebSocket-Accept), at most
 * --window handshakes in progress at a time so the accept backlog never overflows. One thread,
 * one level-triggered epoll instance (the harness pins it to its own CPU). Server frames are
 * parsed as a byte stream, so frames split over reads (or several in one read) are handled.
 *
 * Echo mode (default, path /ws): every connection keeps --depth masked text messages of --size
 * bytes in flight (1: send, wait for the echo, send again; 16: pipelined, each echo is answered
 * with a new message, all of one read's answers in one send). After a warm-up it counts echoed
 * messages over a fixed window and prints one line:
 *
 *   result conns=256 depth=16 size=5 window_s=... messages=... mps=... p50_us=... p99_us=...
 *          max_us=... server_cpu_s=... server_cpu_us_per_msg=... server_cpu_pct=...
 *          client_cpu_pct=... other_cpu_pct=...
 *
 * The latency of a message runs from the send call that carried it to the read that completed
 * its echo (with 16 in flight it includes queueing behind the 15 before it). Server CPU is the
 * sum of the server process's threads' on-CPU time (/proc/PID/task/N/schedstat, nanoseconds).
 *
 * Fan-out mode (--fanout, path /chat): once all N connections are open, one connection sends
 * one text message and the tool waits until every connection (the sender included) received a
 * text message; repeated --broadcasts times, a different sender each time. One line per
 * broadcast:
 *
 *   result mode=fanout conns=10000 broadcast=1 deliver_ms=... first_ms=... server_cpu_ms=...
 *          client_cpu_ms=... connect_s=...
 *
 * deliver_ms is from the send to the read that completed the last connection's message;
 * server_cpu_ms is the server's CPU from the send until 100 ms after that (so work the server
 * does after its last write, such as reaping send completions, counts), less its idle rate
 * measured over the 200 ms before the send.
 *
 *   ws_load --port P [--host 127.0.0.1] [--path /ws] [--conns N] [--depth D] [--size B]
 *           [--warmup S] [--duration S] [--pid SERVER_PID] [--window W]
 *   ws_load --fanout --port P [--path /chat] [--conns N] [--broadcasts K] [--pid SERVER_PID]
 *   ws_load --probe --port P [--path /ws]     one handshake and one echo within 2 s
 *
 * Exit status: 0 ok, 1 a connection or handshake failed or nothing came back for 5 s, 2 usage.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#define MAX_SIZE 125             /* one-byte payload length: the frames stay 2 + 4 + size bytes */
#define HS_MAX 2048              /* longest handshake answer accepted */
#define RX_BUF (64 * 1024)
#define SUB_BITS 6
#define SUB_COUNT (1 << SUB_BITS)
#define HIST_BUCKETS ((64 - SUB_BITS) * SUB_COUNT + SUB_COUNT)

enum state { UNUSED = 0, CONNECTING, HANDSHAKING, OPEN };

struct conn {
    int fd;
    enum state state;
    char *hs;                    /* handshake answer so far (HANDSHAKING only) */
    int hs_len;
    char accept[32];             /* the Sec-WebSocket-Accept the server must answer */
    /* frame parser */
    uint8_t hdr[14];
    int hdr_have, hdr_need, in_payload;
    uint64_t payload_left, payload_len;
    uint8_t opcode, fin;
    uint64_t messages;           /* complete text messages received */
    /* echo mode: send times of the messages in flight, oldest first (a ring of depth entries) */
    int64_t *sent;
    int head, inflight;
    uint8_t *out;                /* bytes not yet accepted by send() */
    int out_len, out_cap, want_out;
};

static struct conn *conns;
static int nconns, depth = 1, size = 5, epfd, fanout_mode;
static int port;
static const char *host = "127.0.0.1", *path = NULL;
static struct sockaddr_in addr;
static uint8_t msg[MAX_SIZE];
static uint32_t rng = 0x9e3779b9u;

static uint64_t hist[HIST_BUCKETS];
static uint64_t hist_count;
static int64_t hist_max;
static int measuring;
static int64_t window_end_ns;
static uint64_t counted, total_msgs;
static int64_t last_progress;
static int64_t now_cached;

static int64_t now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t) ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static uint32_t next_rand(void) {
    rng ^= rng << 13;
    rng ^= rng >> 17;
    rng ^= rng << 5;
    return rng;
}

/* ---- latency histogram (log-linear buckets, as udp_load) ------------------------------- */

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

/* ---- CPU accounting ------------------------------------------------------------------------ */

/* The on-CPU time of all of PID's threads in seconds (schedstat: ns precision), or the
 * utime+stime of /proc/PID/stat (clock ticks) where schedstat is missing; -1 without a pid. */
static double process_cpu_s(int pid) {
    if (pid <= 0) return -1;
    char p[320], buf[256];
    snprintf(p, sizeof p, "/proc/%d/task", pid);
    DIR *d = opendir(p);
    if (d) {
        unsigned long long sum = 0;
        int found = 0;
        struct dirent *e;
        while ((e = readdir(d))) {
            if (e->d_name[0] == '.') continue;
            snprintf(p, sizeof p, "/proc/%d/task/%s/schedstat", pid, e->d_name);
            int fd = open(p, O_RDONLY);
            if (fd < 0) continue;
            ssize_t n = read(fd, buf, sizeof buf - 1);
            close(fd);
            if (n <= 0) continue;
            buf[n] = 0;
            sum += strtoull(buf, NULL, 10);
            found = 1;
        }
        closedir(d);
        if (found) return (double) sum / 1e9;
    }
    snprintf(p, sizeof p, "/proc/%d/stat", pid);
    int fd = open(p, O_RDONLY);
    if (fd < 0) return -1;
    char sb[4096];
    ssize_t n = read(fd, sb, sizeof sb - 1);
    close(fd);
    if (n <= 0) return -1;
    sb[n] = 0;
    char *q = strrchr(sb, ')');
    if (!q) return -1;
    unsigned long long utime = 0, stime = 0;
    if (sscanf(q + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu", &utime, &stime) != 2) return -1;
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

/* ---- SHA-1 and base64, for the handshake (RFC 3174, RFC 4648) ------------------------------ */

static uint32_t rol32(uint32_t x, int n) { return (x << n) | (x >> (32 - n)); }

static void sha1(const uint8_t *data, size_t len, uint8_t digest[20]) {
    uint32_t h[5] = {0x67452301u, 0xEFCDAB89u, 0x98BADCFEu, 0x10325476u, 0xC3D2E1F0u};
    size_t padded = ((len + 8) / 64 + 1) * 64;
    uint8_t *m = calloc(padded, 1);
    memcpy(m, data, len);
    m[len] = 0x80;
    uint64_t bits = (uint64_t) len * 8;
    for (int i = 0; i < 8; i++) m[padded - 1 - i] = (uint8_t) (bits >> (8 * i));
    for (size_t off = 0; off < padded; off += 64) {
        uint32_t w[80];
        for (int i = 0; i < 16; i++) {
            const uint8_t *b = m + off + 4 * i;
            w[i] = (uint32_t) b[0] << 24 | (uint32_t) b[1] << 16 | (uint32_t) b[2] << 8 | b[3];
        }
        for (int i = 16; i < 80; i++) w[i] = rol32(w[i - 3] ^ w[i - 8] ^ w[i - 14] ^ w[i - 16], 1);
        uint32_t a = h[0], b = h[1], c = h[2], d = h[3], e = h[4];
        for (int i = 0; i < 80; i++) {
            uint32_t f, k;
            if (i < 20) { f = (b & c) | (~b & d); k = 0x5A827999u; }
            else if (i < 40) { f = b ^ c ^ d; k = 0x6ED9EBA1u; }
            else if (i < 60) { f = (b & c) | (b & d) | (c & d); k = 0x8F1BBCDCu; }
            else { f = b ^ c ^ d; k = 0xCA62C1D6u; }
            uint32_t t = rol32(a, 5) + f + e + k + w[i];
            e = d; d = c; c = rol32(b, 30); b = a; a = t;
        }
        h[0] += a; h[1] += b; h[2] += c; h[3] += d; h[4] += e;
    }
    free(m);
    for (int i = 0; i < 5; i++) {
        digest[4 * i] = (uint8_t) (h[i] >> 24);
        digest[4 * i + 1] = (uint8_t) (h[i] >> 16);
        digest[4 * i + 2] = (uint8_t) (h[i] >> 8);
        digest[4 * i + 3] = (uint8_t) h[i];
    }
}

static void base64(const uint8_t *in, size_t len, char *out) {
    static const char t[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    size_t o = 0;
    for (size_t i = 0; i < len; i += 3) {
        uint32_t v = (uint32_t) in[i] << 16 | (i + 1 < len ? (uint32_t) in[i + 1] << 8 : 0) | (i + 2 < len ? in[i + 2] : 0);
        out[o++] = t[(v >> 18) & 63];
        out[o++] = t[(v >> 12) & 63];
        out[o++] = i + 1 < len ? t[(v >> 6) & 63] : '=';
        out[o++] = i + 2 < len ? t[v & 63] : '=';
    }
    out[o] = 0;
}

/* ---- connections --------------------------------------------------------------------------- */

__attribute__((noreturn)) static void fail(int i, const char *step, const char *what) {
    fprintf(stderr, "ws_load: step=%s conn=%d: %s\n", step, i, what);
    exit(1);
}

static void set_events(struct conn *c, uint32_t events) {
    struct epoll_event ev = { .events = events, .data.u32 = (uint32_t) (c - conns) };
    epoll_ctl(epfd, EPOLL_CTL_MOD, c->fd, &ev);
}

/* Starts connection i: a non-blocking connect, completed on EPOLLOUT. */
static void open_conn(int i) {
    struct conn *c = &conns[i];
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
    if (fd < 0) fail(i, "socket", strerror(errno));
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    if (connect(fd, (struct sockaddr *) &addr, sizeof addr) < 0 && errno != EINPROGRESS) fail(i, "connect", strerror(errno));
    c->fd = fd;
    c->state = CONNECTING;
    struct epoll_event ev = { .events = EPOLLOUT, .data.u32 = (uint32_t) i };
    if (epoll_ctl(epfd, EPOLL_CTL_ADD, fd, &ev) < 0) fail(i, "epoll_ctl", strerror(errno));
}

/* The connect completed: send the upgrade request. */
static void send_handshake(int i) {
    struct conn *c = &conns[i];
    int err = 0;
    socklen_t len = sizeof err;
    getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &err, &len);
    if (err) fail(i, "connect", strerror(err));
    uint8_t raw[16];
    for (int k = 0; k < 16; k += 4) { uint32_t r = next_rand(); memcpy(raw + k, &r, 4); }
    char key[32], req[512], concat[128];
    base64(raw, 16, key);
    snprintf(concat, sizeof concat, "%s258EAFA5-E914-47DA-95CA-C5AB0DC85B11", key);
    uint8_t digest[20];
    sha1((const uint8_t *) concat, strlen(concat), digest);
    base64(digest, 20, c->accept);
    int n = snprintf(req, sizeof req,
                     "GET %s HTTP/1.1\r\nHost: %s:%d\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                     "Sec-WebSocket-Key: %s\r\nSec-WebSocket-Version: 13\r\n\r\n", path, host, port, key);
    if (send(c->fd, req, (size_t) n, MSG_NOSIGNAL) != n) fail(i, "handshake-send", strerror(errno));
    c->hs = malloc(HS_MAX + 1);
    c->hs_len = 0;
    c->state = HANDSHAKING;
    set_events(c, EPOLLIN);
}

/* The value of header NAME in the handshake answer HS (NUL-terminated, ends at the blank line). */
static int header_value(const char *hs, const char *name, char *out, size_t cap) {
    size_t nl = strlen(name);
    for (const char *l = strstr(hs, "\r\n"); l && l[2] != '\r'; l = strstr(l + 2, "\r\n")) {
        const char *h = l + 2;
        if (strncasecmp(h, name, nl) == 0 && h[nl] == ':') {
            const char *v = h + nl + 1;
            while (*v == ' ' || *v == '\t') v++;
            const char *end = strstr(v, "\r\n");
            size_t vl = end ? (size_t) (end - v) : strlen(v);
            while (vl > 0 && (v[vl - 1] == ' ' || v[vl - 1] == '\t')) vl--;
            if (vl >= cap) vl = cap - 1;
            memcpy(out, v, vl);
            out[vl] = 0;
            return 1;
        }
    }
    return 0;
}

static void on_frame_bytes(struct conn *c, const uint8_t *p, size_t n);

/* Bytes of the handshake answer arrived; returns 1 once the connection is open. */
static int on_handshake_bytes(int i, const uint8_t *p, size_t n) {
    struct conn *c = &conns[i];
    size_t room = HS_MAX - (size_t) c->hs_len;
    size_t take = n < room ? n : room;
    memcpy(c->hs + c->hs_len, p, take);
    c->hs_len += (int) take;
    c->hs[c->hs_len] = 0;
    char *end = strstr(c->hs, "\r\n\r\n");
    if (!end) {
        if (c->hs_len >= HS_MAX) fail(i, "handshake", "answer longer than 2048 bytes");
        return 0;
    }
    size_t head_len = (size_t) (end + 4 - c->hs);
    if (strncmp(c->hs, "HTTP/1.1 101", 12) != 0) {
        char line[128];
        snprintf(line, sizeof line, "expected 101, got '%.*s'", (int) strcspn(c->hs, "\r\n") % 100, c->hs);
        fail(i, "handshake", line);
    }
    char accept[64];
    if (!header_value(c->hs, "Sec-WebSocket-Accept", accept, sizeof accept) || strcmp(accept, c->accept) != 0) {
        fail(i, "handshake", "missing or wrong Sec-WebSocket-Accept");
    }
    /* What followed the blank line is already frame data. */
    size_t consumed_before = (size_t) c->hs_len - take;          /* bytes of earlier reads */
    size_t extra_off = head_len - consumed_before;                /* offset into p */
    free(c->hs);
    c->hs = NULL;
    c->state = OPEN;
    if (extra_off < n) on_frame_bytes(c, p + extra_off, n - extra_off);
    return 1;
}

/* ---- frames ---------------------------------------------------------------------------------- */

/* Appends one masked text frame carrying msg to the connection's output. */
static void queue_message(struct conn *c) {
    int flen = 2 + 4 + size;
    if (c->out_len + flen > c->out_cap) {
        c->out_cap = (c->out_len + flen) * 2;
        c->out = realloc(c->out, (size_t) c->out_cap);
    }
    uint8_t *f = c->out + c->out_len;
    f[0] = 0x81;
    f[1] = (uint8_t) (0x80 | size);
    uint32_t key = next_rand();
    memcpy(f + 2, &key, 4);
    for (int k = 0; k < size; k++) f[6 + k] = msg[k] ^ f[2 + (k & 3)];
    c->out_len += flen;
    if (!fanout_mode) {
        c->sent[(c->head + c->inflight) % depth] = 0;        /* stamped by flush() */
        c->inflight++;
    }
}

/* Sends the queued output; the part the socket does not take waits for EPOLLOUT. */
static void flush_out(struct conn *c) {
    if (c->out_len == 0) return;
    ssize_t w = send(c->fd, c->out, (size_t) c->out_len, MSG_NOSIGNAL);
    if (w < 0) {
        if (errno != EAGAIN && errno != EINTR) fail((int) (c - conns), "send", strerror(errno));
        w = 0;
    }
    if (!fanout_mode) {
        /* Stamp the messages that left now (their send-time slots are still 0). */
        for (int k = 0; k < c->inflight; k++) {
            int64_t *s = &c->sent[(c->head + k) % depth];
            if (*s == 0) *s = now_cached;
        }
    }
    if (w < c->out_len) memmove(c->out, c->out + w, (size_t) (c->out_len - w));
    c->out_len -= (int) w;
    int want = c->out_len > 0;
    if (want != c->want_out) {
        c->want_out = want;
        set_events(c, want ? EPOLLIN | EPOLLOUT : EPOLLIN);
    }
}

/* One complete text message arrived on c. */
static void on_message(struct conn *c) {
    c->messages++;
    total_msgs++;
    last_progress = now_cached;
    if (fanout_mode) return;
    if (c->inflight == 0) fail((int) (c - conns), "verify", "a message nobody sent was echoed");
    int64_t sent = c->sent[c->head];
    c->head = (c->head + 1) % depth;
    c->inflight--;
    if (measuring && now_cached < window_end_ns) {
        counted++;
        if (sent) record(now_cached - sent);
    }
    queue_message(c);
}

static void frame_done(struct conn *c) {
    c->in_payload = 0;
    c->hdr_have = 0;
    switch (c->opcode) {
        case 0x1:
            if (!c->fin) break;                 /* first fragment: the message completes later */
            if (!fanout_mode && c->payload_len != (uint64_t) size) {
                fail((int) (c - conns), "verify", "echo of a different length");
            }
            on_message(c);
            break;
        case 0x0:
            if (c->fin) on_message(c);
            break;
        case 0x8: fail((int) (c - conns), "read", "the server sent a close frame");
        case 0x9: case 0xA: break;              /* ping / pong: not expected, not counted */
        default: fail((int) (c - conns), "read", "unexpected frame opcode");
    }
}

/* Parses server frames from a byte stream; partial headers and payloads carry over. */
static void on_frame_bytes(struct conn *c, const uint8_t *p, size_t n) {
    while (n > 0) {
        if (!c->in_payload) {
            c->hdr[c->hdr_have++] = *p++;
            n--;
            if (c->hdr_have == 2) {
                int len7 = c->hdr[1] & 0x7f;
                c->hdr_need = 2 + (len7 == 126 ? 2 : len7 == 127 ? 8 : 0) + ((c->hdr[1] & 0x80) ? 4 : 0);
            }
            if (c->hdr_have >= 2 && c->hdr_have == c->hdr_need) {
                int len7 = c->hdr[1] & 0x7f;
                uint64_t len = (uint64_t) len7;
                if (len7 == 126) len = (uint64_t) c->hdr[2] << 8 | c->hdr[3];
                else if (len7 == 127) { len = 0; for (int k = 0; k < 8; k++) len = len << 8 | c->hdr[2 + k]; }
                c->fin = c->hdr[0] >> 7;
                c->opcode = c->hdr[0] & 0x0f;
                c->payload_len = c->payload_left = len;
                c->in_payload = 1;
                if (len == 0) frame_done(c);
            }
        } else {
            uint64_t take = n < c->payload_left ? n : c->payload_left;
            p += take;
            n -= take;
            c->payload_left -= take;
            if (c->payload_left == 0) frame_done(c);
        }
    }
}

/* ---- event loop ------------------------------------------------------------------------------ */

static uint8_t rxbuf[RX_BUF];
static int open_count, started, pending_setup, setup_window = 256;

/* Handles one epoll event; returns nothing, fails the run on any error. */
static void on_event(uint32_t i, uint32_t events) {
    struct conn *c = &conns[i];
    if (c->state == CONNECTING) {
        if (events & (EPOLLOUT | EPOLLERR | EPOLLHUP)) send_handshake((int) i);
        return;
    }
    if (events & EPOLLOUT) flush_out(c);
    if (!(events & (EPOLLIN | EPOLLERR | EPOLLHUP))) return;
    ssize_t r = recv(c->fd, rxbuf, sizeof rxbuf, 0);
    if (r < 0) {
        if (errno == EAGAIN || errno == EINTR) return;
        fail((int) i, "read", strerror(errno));
    }
    if (r == 0) fail((int) i, c->state == HANDSHAKING ? "handshake" : "read", "the server closed the connection");
    if (c->state == HANDSHAKING) {
        if (on_handshake_bytes((int) i, rxbuf, (size_t) r)) {
            open_count++;
            pending_setup--;
        }
    } else {
        on_frame_bytes(c, rxbuf, (size_t) r);
    }
    if (c->state == OPEN) flush_out(c);
}

/* Runs the loop until every connection is open (at most setup_window being set up at once). */
static void open_all(double timeout_s) {
    int64_t deadline = now_ns() + (int64_t) (timeout_s * 1e9);
    struct epoll_event events[1024];
    while (open_count < nconns) {
        while (started < nconns && pending_setup < setup_window) {
            open_conn(started++);
            pending_setup++;
        }
        int n = epoll_wait(epfd, events, 1024, 100);
        if (n < 0 && errno != EINTR) { perror("ws_load: epoll_wait"); exit(1); }
        now_cached = now_ns();
        for (int e = 0; e < n; e++) on_event(events[e].data.u32, events[e].events);
        if (now_cached > deadline) {
            fprintf(stderr, "ws_load: step=setup: %d of %d connections open after %.0f s\n", open_count, nconns, timeout_s);
            exit(1);
        }
    }
}

static void raise_nofile(int want) {
    struct rlimit rl;
    if (getrlimit(RLIMIT_NOFILE, &rl) != 0) return;
    rlim_t need = (rlim_t) want + 64;
    if (rl.rlim_cur >= need) return;
    rl.rlim_cur = rl.rlim_max == RLIM_INFINITY || rl.rlim_max > need ? need : rl.rlim_max;
    setrlimit(RLIMIT_NOFILE, &rl);
}

static void usage(void) {
    fprintf(stderr, "usage: ws_load --port P [--host H] [--path /ws] [--conns N] [--depth D] [--size B] "
                    "[--warmup S] [--duration S] [--pid SERVER_PID] [--window W]\n"
                    "       ws_load --fanout --port P [--path /chat] [--conns N] [--broadcasts K] [--pid SERVER_PID]\n"
                    "       ws_load --probe --port P [--path /ws]\n");
    exit(2);
}

static int run_fanout(int pid, int broadcasts, double setup_s) {
    struct epoll_event events[1024];
    for (int b = 1; b <= broadcasts; b++) {
        /* Quiet phase: the server's idle CPU rate over 200 ms, and nothing may arrive. */
        double idle0 = process_cpu_s(pid);
        int64_t q0 = now_ns();
        while (now_ns() - q0 < 200000000LL) {
            int n = epoll_wait(epfd, events, 1024, 20);
            now_cached = now_ns();
            for (int e = 0; e < n; e++) on_event(events[e].data.u32, events[e].events);
        }
        double idle1 = process_cpu_s(pid);
        double idle_rate = idle1 >= 0 && idle0 >= 0 ? (idle1 - idle0) / ((double) (now_ns() - q0) / 1e9) : 0;
        uint64_t base = (uint64_t) (b - 1);
        for (int i = 0; i < nconns; i++) {
            if (conns[i].messages != base) {
                fprintf(stderr, "ws_load: step=fanout: conn %d has %llu messages before broadcast %d\n", i,
                        (unsigned long long) conns[i].messages, b);
                return 1;
            }
        }
        struct conn *sender = &conns[((uint64_t) b * 7919u) % (uint64_t) nconns];
        double srv0 = process_cpu_s(pid), cli0 = self_cpu_s();
        int64_t t0 = now_ns();
        now_cached = t0;
        queue_message(sender);
        flush_out(sender);
        int done = 0;
        int64_t first = -1, last = -1;
        while (done < nconns) {
            int n = epoll_wait(epfd, events, 1024, 100);
            if (n < 0 && errno != EINTR) { perror("ws_load: epoll_wait"); return 1; }
            now_cached = now_ns();
            for (int e = 0; e < n; e++) {
                struct conn *c = &conns[events[e].data.u32];
                uint64_t before = c->messages;
                on_event(events[e].data.u32, events[e].events);
                if (before == base && c->messages > base) {
                    done++;
                    if (first < 0) first = now_cached;
                    last = now_cached;
                }
            }
            if (now_cached - t0 > 10000000000LL) {
                fprintf(stderr, "ws_load: step=fanout: broadcast %d reached %d of %d connections in 10 s\n", b, done, nconns);
                return 1;
            }
        }
        double cli1 = self_cpu_s();
        /* Work after the last write (e.g. send completions) belongs to the broadcast too. */
        while (now_ns() - last < 100000000LL) {
            int n = epoll_wait(epfd, events, 1024, 20);
            now_cached = now_ns();
            for (int e = 0; e < n; e++) on_event(events[e].data.u32, events[e].events);
        }
        double srv1 = process_cpu_s(pid);
        double elapsed = (double) (now_ns() - t0) / 1e9;
        double srv = srv0 >= 0 && srv1 >= 0 ? (srv1 - srv0 - idle_rate * elapsed) * 1e3 : -1;
        if (srv0 >= 0 && srv < 0) srv = 0;
        printf("result mode=fanout conns=%d broadcast=%d deliver_ms=%.2f first_ms=%.3f server_cpu_ms=%.2f "
               "server_idle_cpu_pct=%.1f client_cpu_ms=%.2f connect_s=%.2f\n",
               nconns, b, (double) (last - t0) / 1e6, (double) (first - t0) / 1e6, srv, idle_rate * 100,
               (cli1 - cli0) * 1e3, setup_s);
        fflush(stdout);
    }
    return 0;
}

int main(int argc, char **argv) {
    int pid = 0, probe = 0, broadcasts = 3;
    double warmup_s = 2, duration_s = 5;
    nconns = -1;
    for (int i = 1; i < argc; i++) {
        const char *k = argv[i];
        if (!strcmp(k, "--probe")) { probe = 1; continue; }
        if (!strcmp(k, "--fanout")) { fanout_mode = 1; continue; }
        if (i + 1 >= argc) usage();
        const char *v = argv[++i];
        if (!strcmp(k, "--host")) host = v;
        else if (!strcmp(k, "--port")) port = atoi(v);
        else if (!strcmp(k, "--path")) path = v;
        else if (!strcmp(k, "--conns")) nconns = atoi(v);
        else if (!strcmp(k, "--depth")) depth = atoi(v);
        else if (!strcmp(k, "--size")) size = atoi(v);
        else if (!strcmp(k, "--warmup")) warmup_s = atof(v);
        else if (!strcmp(k, "--duration")) duration_s = atof(v);
        else if (!strcmp(k, "--pid")) pid = atoi(v);
        else if (!strcmp(k, "--window")) setup_window = atoi(v);
        else if (!strcmp(k, "--broadcasts")) broadcasts = atoi(v);
        else usage();
    }
    if (!path) path = fanout_mode ? "/chat" : "/ws";
    if (nconns < 0) nconns = fanout_mode ? 10000 : 256;
    if (probe) { nconns = 1; depth = 1; fanout_mode = 0; }
    if (port <= 0 || nconns < 1 || depth < 1 || size < 1 || size > MAX_SIZE || duration_s <= 0 || setup_window < 1
        || broadcasts < 1) usage();
    addr.sin_family = AF_INET;
    addr.sin_port = htons((uint16_t) port);
    if (inet_pton(AF_INET, host, &addr.sin_addr) != 1) { fprintf(stderr, "ws_load: bad host %s\n", host); return 2; }
    raise_nofile(nconns);
    rng ^= (uint32_t) now_ns() ^ (uint32_t) getpid() << 16;
    for (int k = 0; k < size; k++) msg[k] = (uint8_t) ('a' + k % 26);
    conns = calloc((size_t) nconns, sizeof *conns);
    if (!fanout_mode) for (int i = 0; i < nconns; i++) conns[i].sent = calloc((size_t) depth, sizeof(int64_t));
    epfd = epoll_create1(0);

    int64_t t_setup = now_ns();
    open_all(probe ? 2 : fanout_mode ? 120 : 30);
    double setup_s = (double) (now_ns() - t_setup) / 1e9;
    if (fanout_mode) {
        int rc = run_fanout(pid, broadcasts, setup_s);
        /* Reset rather than close: 10,000 TIME_WAIT ports per run would crowd the ephemeral
         * range for the next server's fan-out. */
        struct linger lg = { .l_onoff = 1, .l_linger = 0 };
        for (int i = 0; i < nconns; i++) {
            setsockopt(conns[i].fd, SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
            close(conns[i].fd);
        }
        return rc;
    }

    int64_t start = now_ns();
    now_cached = start;
    for (int i = 0; i < nconns; i++) {
        for (int d = 0; d < depth; d++) queue_message(&conns[i]);
        flush_out(&conns[i]);
    }
    int64_t warm_end = start + (int64_t) (warmup_s * 1e9);
    window_end_ns = warm_end + (int64_t) (duration_s * 1e9);
    if (probe) window_end_ns = start + 2000000000LL;
    last_progress = start;
    measuring = warmup_s <= 0 && !probe;
    double srv0 = measuring ? process_cpu_s(pid) : 0, cli0 = measuring ? self_cpu_s() : 0;
    double all0 = measuring ? machine_busy_s() : 0;
    int64_t window_start = start;
    struct epoll_event events[1024];
    for (;;) {
        int n = epoll_wait(epfd, events, 1024, 10);
        if (n < 0 && errno != EINTR) { perror("ws_load: epoll_wait"); return 1; }
        now_cached = now_ns();
        for (int e = 0; e < n; e++) on_event(events[e].data.u32, events[e].events);
        int64_t t = now_cached;
        if (probe) {
            if (total_msgs > 0) { printf("probe ok\n"); return 0; }
            if (t > window_end_ns) { fprintf(stderr, "ws_load: step=probe: no echo within 2 s\n"); return 1; }
            continue;
        }
        if (!measuring && t >= warm_end) {
            measuring = 1;
            window_start = t;
            srv0 = process_cpu_s(pid);
            cli0 = self_cpu_s();
            all0 = machine_busy_s();
        }
        if (measuring && t >= window_end_ns) break;
        if (t - last_progress > 5000000000LL) {
            fprintf(stderr, "ws_load: step=%s: no echo for 5 s (messages so far %llu)\n",
                    measuring ? "measure" : "warmup", (unsigned long long) total_msgs);
            return 1;
        }
    }
    int64_t window_end = now_ns();
    double srv1 = process_cpu_s(pid), cli1 = self_cpu_s(), all1 = machine_busy_s();
    double window = (double) (window_end - window_start) / 1e9;
    double srv = (pid > 0 && srv0 >= 0 && srv1 >= 0) ? srv1 - srv0 : -1;
    double other_pct = srv >= 0 && all0 >= 0 && all1 >= 0 ? 100 * ((all1 - all0) - srv - (cli1 - cli0)) / window : -1;
    if (srv >= 0 && other_pct < 0) other_pct = 0;
    printf("result conns=%d depth=%d size=%d window_s=%.3f messages=%llu mps=%.1f p50_us=%.1f p99_us=%.1f max_us=%.1f "
           "server_cpu_s=%.3f server_cpu_us_per_msg=%.3f server_cpu_pct=%.1f client_cpu_pct=%.1f other_cpu_pct=%.1f\n",
           nconns, depth, size, window, (unsigned long long) counted, counted / window, percentile_us(0.50),
           percentile_us(0.99), hist_max / 1000.0, srv, srv >= 0 && counted ? srv * 1e6 / counted : -1,
           srv >= 0 ? 100 * srv / window : -1, 100 * (cli1 - cli0) / window, other_pct);
    return 0;
}
