/*
 * echo_ceiling: the least work a TCP echo server can do, as a fixed server that costs little
 * per connection (the connect profile's server, so that the clients, not the server, are
 * measured).
 *
 * One thread, one epoll instance, edge-triggered. Accepts until EAGAIN; writes back what it
 * reads (a short write drops the rest: the benchmarks send a byte or a small message and wait
 * for it); closes on EOF, reset or any error.
 *
 *   echo_ceiling --port P [--host 127.0.0.1]
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#define READ_SIZE 65536
#define MAX_BATCH 1024

static volatile sig_atomic_t stopping;

static void on_signal(int sig) {
    (void) sig;
    stopping = 1;
}

int main(int argc, char **argv) {
    const char *host = "127.0.0.1";
    int port = 0;
    for (int i = 1; i + 1 < argc; i += 2) {
        if (strcmp(argv[i], "--port") == 0) {
            port = atoi(argv[i + 1]);
        } else if (strcmp(argv[i], "--host") == 0) {
            host = argv[i + 1];
        } else {
            fprintf(stderr, "echo_ceiling: unknown option %s\n", argv[i]);
            return 2;
        }
    }
    if (port <= 0 || port > 65535) {
        fprintf(stderr, "usage: echo_ceiling --port P [--host 127.0.0.1]\n");
        return 2;
    }
    signal(SIGPIPE, SIG_IGN);
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);

    int lfd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    int one = 1;
    setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    struct sockaddr_in addr;
    memset(&addr, 0, sizeof addr);
    addr.sin_family = AF_INET;
    addr.sin_port = htons((unsigned short) port);
    if (inet_pton(AF_INET, host, &addr.sin_addr) != 1) {
        fprintf(stderr, "echo_ceiling: bad host %s\n", host);
        return 2;
    }
    if (bind(lfd, (struct sockaddr *) &addr, sizeof addr) < 0 || listen(lfd, 4096) < 0) {
        perror("echo_ceiling: bind/listen");
        return 1;
    }
    int ep = epoll_create1(EPOLL_CLOEXEC);
    struct epoll_event ev = {.events = EPOLLIN, .data.fd = lfd};
    epoll_ctl(ep, EPOLL_CTL_ADD, lfd, &ev);
    printf("echo_ceiling listening on %s:%d\n", host, port);
    fflush(stdout);

    static char buf[READ_SIZE];
    struct epoll_event events[MAX_BATCH];
    while (!stopping) {
        int n = epoll_wait(ep, events, MAX_BATCH, 1000);
        if (n < 0) {
            if (errno == EINTR) {
                continue;
            }
            perror("echo_ceiling: epoll_wait");
            return 1;
        }
        for (int i = 0; i < n; i++) {
            int fd = events[i].data.fd;
            if (fd == lfd) {
                for (;;) {
                    int c = accept4(lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
                    if (c < 0) {
                        break; /* EAGAIN, or an aborted connection: the next event retries */
                    }
                    setsockopt(c, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
                    struct epoll_event cev = {.events = EPOLLIN | EPOLLRDHUP | EPOLLET, .data.fd = c};
                    epoll_ctl(ep, EPOLL_CTL_ADD, c, &cev);
                }
                continue;
            }
            int closing = (events[i].events & (EPOLLERR | EPOLLHUP)) != 0;
            for (;;) {
                ssize_t r = read(fd, buf, sizeof buf);
                if (r > 0) {
                    if (write(fd, buf, (size_t) r) < 0 && errno != EAGAIN) {
                        closing = 1;
                        break;
                    }
                    continue;
                }
                if (r == 0 || errno != EAGAIN) {
                    closing = 1;
                }
                break;
            }
            if (closing) {
                close(fd); /* also leaves the epoll set */
            }
        }
    }
    close(ep);
    close(lfd);
    return 0;
}
