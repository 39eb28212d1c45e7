/*
 * netimpair: a tiny network impairment for test namespaces where the kernel
 * has no netem. iptables hands packets to NFQUEUE; this program drops each
 * one with probability `loss` and releases the others after
 * `delay` ± `jitter` milliseconds (uniform), from a timer queue, so the
 * queue itself never blocks.
 *
 * The profile is read from a control file, re-read whenever it changes
 * (checked every 50 ms) or on SIGHUP:
 *     loss=0.10 delay=150 jitter=10
 * `loss=1` is a blackout. A missing or empty file means: pass everything.
 *
 * Usage: netimpair <queue-num> <control-file>
 * Prints "ready" on stdout once bound to the queue.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <libnetfilter_queue/libnetfilter_queue.h>
#include <linux/netfilter.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

struct profile {
  double loss;
  double delay_ms;
  double jitter_ms;
};

struct held {
  uint32_t id;
  uint64_t due_us;
};

static struct profile current = {0, 0, 0};
static struct held *heap;
static size_t heap_len, heap_cap;
static volatile sig_atomic_t reload = 1, stop = 0;
static const char *control_path;
static struct timespec control_mtime;
static unsigned long long seen, dropped;

static uint64_t now_us(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

static double uniform(void) { return (double)random() / ((double)RAND_MAX + 1.0); }

/* A binary min-heap on due time. */
static void heap_push(struct held h) {
  if (heap_len == heap_cap) {
    heap_cap = heap_cap ? heap_cap * 2 : 1024;
    heap = realloc(heap, heap_cap * sizeof *heap);
    if (!heap) {
      perror("realloc");
      exit(1);
    }
  }
  size_t i = heap_len++;
  while (i > 0) {
    size_t parent = (i - 1) / 2;
    if (heap[parent].due_us <= h.due_us) break;
    heap[i] = heap[parent];
    i = parent;
  }
  heap[i] = h;
}

static struct held heap_pop(void) {
  struct held top = heap[0];
  struct held last = heap[--heap_len];
  size_t i = 0;
  for (;;) {
    size_t child = 2 * i + 1;
    if (child >= heap_len) break;
    if (child + 1 < heap_len && heap[child + 1].due_us < heap[child].due_us) child++;
    if (last.due_us <= heap[child].due_us) break;
    heap[i] = heap[child];
    i = child;
  }
  if (heap_len) heap[i] = last;
  return top;
}

static void read_profile(void) {
  struct profile next = {0, 0, 0};
  FILE *f = fopen(control_path, "r");
  if (f) {
    char word[64];
    while (fscanf(f, "%63s", word) == 1) {
      double value;
      if (sscanf(word, "loss=%lf", &value) == 1) next.loss = value;
      else if (sscanf(word, "delay=%lf", &value) == 1) next.delay_ms = value;
      else if (sscanf(word, "jitter=%lf", &value) == 1) next.jitter_ms = value;
    }
    fclose(f);
  }
  if (next.loss < 0) next.loss = 0;
  if (next.loss > 1) next.loss = 1;
  if (next.delay_ms < 0) next.delay_ms = 0;
  if (next.jitter_ms < 0) next.jitter_ms = 0;
  if (next.jitter_ms > next.delay_ms) next.jitter_ms = next.delay_ms;
  current = next;
  fprintf(stderr, "netimpair: loss=%.3f delay=%.0f jitter=%.0f (seen %llu, dropped %llu)\n", current.loss, current.delay_ms,
          current.jitter_ms, seen, dropped);
}

static void check_control(void) {
  struct stat st;
  struct timespec mtime = {0, 0};
  if (stat(control_path, &st) == 0) mtime = st.st_mtim;
  if (reload || mtime.tv_sec != control_mtime.tv_sec || mtime.tv_nsec != control_mtime.tv_nsec) {
    reload = 0;
    control_mtime = mtime;
    read_profile();
  }
}

static int on_packet(struct nfq_q_handle *queue, struct nfgenmsg *msg, struct nfq_data *data, void *arg) {
  (void)msg;
  (void)arg;
  struct nfqnl_msg_packet_hdr *header = nfq_get_msg_packet_hdr(data);
  if (!header) return 0;
  uint32_t id = ntohl(header->packet_id);
  seen++;
  if (current.loss > 0 && uniform() < current.loss) {
    dropped++;
    return nfq_set_verdict(queue, id, NF_DROP, 0, NULL);
  }
  double delay = current.delay_ms + (current.jitter_ms > 0 ? (uniform() * 2 - 1) * current.jitter_ms : 0);
  if (delay <= 0) return nfq_set_verdict(queue, id, NF_ACCEPT, 0, NULL);
  heap_push((struct held){id, now_us() + (uint64_t)(delay * 1000)});
  return 0;
}

static void on_signal(int sig) {
  if (sig == SIGHUP) reload = 1;
  else stop = 1;
}

int main(int argc, char **argv) {
  if (argc != 3) {
    fprintf(stderr, "usage: netimpair <queue-num> <control-file>\n");
    return 2;
  }
  int queue_num = atoi(argv[1]);
  control_path = argv[2];
  srandom((unsigned)(now_us() ^ (uint64_t)getpid()));

  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_signal;
  sigaction(SIGHUP, &sa, NULL);
  sigaction(SIGTERM, &sa, NULL);
  sigaction(SIGINT, &sa, NULL);

  struct nfq_handle *handle = nfq_open();
  if (!handle) {
    perror("nfq_open");
    return 1;
  }
  struct nfq_q_handle *queue = nfq_create_queue(handle, (uint16_t)queue_num, on_packet, NULL);
  if (!queue) {
    perror("nfq_create_queue");
    return 1;
  }
  if (nfq_set_mode(queue, NFQNL_COPY_META, 0) < 0) {
    perror("nfq_set_mode");
    return 1;
  }
  /* Delayed packets wait in the kernel for their verdict: room for seconds of media. */
  nfq_set_queue_maxlen(queue, 65536);
  int fd = nfq_fd(handle);
  nfnl_rcvbufsiz(nfq_nfnlh(handle), 8 * 1024 * 1024);
  check_control();
  printf("ready\n");
  fflush(stdout);

  char buffer[65536] __attribute__((aligned));
  uint64_t next_check = now_us();
  while (!stop) {
    uint64_t now = now_us();
    while (heap_len && heap[0].due_us <= now) {
      struct held h = heap_pop();
      nfq_set_verdict(queue, h.id, NF_ACCEPT, 0, NULL);
    }
    if (now >= next_check) {
      check_control();
      next_check = now + 50000;
    }
    uint64_t wait_us = next_check - now;
    if (heap_len && heap[0].due_us - now < wait_us) wait_us = heap[0].due_us > now ? heap[0].due_us - now : 0;
    fd_set readable;
    FD_ZERO(&readable);
    FD_SET(fd, &readable);
    struct timeval tv = {(time_t)(wait_us / 1000000u), (suseconds_t)(wait_us % 1000000u)};
    int ready = select(fd + 1, &readable, NULL, NULL, &tv);
    if (ready < 0) {
      if (errno == EINTR) continue;
      perror("select");
      break;
    }
    if (ready > 0) {
      ssize_t n = recv(fd, buffer, sizeof buffer, MSG_DONTWAIT);
      if (n > 0) nfq_handle_packet(handle, buffer, (int)n);
      else if (n < 0 && errno == ENOBUFS) fprintf(stderr, "netimpair: kernel queue overrun (packets lost)\n");
    }
  }
  /* Let everything still held go before leaving. */
  while (heap_len) nfq_set_verdict(queue, heap_pop().id, NF_ACCEPT, 0, NULL);
  fprintf(stderr, "netimpair: stopped (seen %llu, dropped %llu)\n", seen, dropped);
  nfq_destroy_queue(queue);
  nfq_close(handle);
  return 0;
}
