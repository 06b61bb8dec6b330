/*
 * serve_deadline.h — deadlines for the requests of `fidosim serve`:
 * libmicrohttpd closes a connection that is silent for its timeout, but not
 * one that trickles a byte now and then (slowloris). This closes a
 * connection whose first request header is not complete within header_s
 * seconds of its start, a later one within idle_s + header_s of the end of
 * the previous request (a keep-alive connection may idle for idle_s, the
 * libmicrohttpd timeout, between requests), or whose body is not complete
 * within body_s seconds of its header.
 */
#ifndef FSIM_SERVE_DEADLINE_H
#define FSIM_SERVE_DEADLINE_H

#include <stdbool.h>
#include <microhttpd.h>

typedef struct fsim_deadline fsim_deadline_t;

/* A watcher thread checking every second; 0 or -1 (no memory, no thread). */
int fsim_deadline_start(unsigned header_s, unsigned body_s, unsigned idle_s,
    fsim_deadline_t **out);
void fsim_deadline_stop(fsim_deadline_t **dp);   /* after MHD_stop_daemon */
/* MHD_OPTION_NOTIFY_CONNECTION, with the deadline as its closure. */
void fsim_deadline_notify(void *cls, struct MHD_Connection *mc, void **socket_context,
    enum MHD_ConnectionNotificationCode toe);
/* The header is complete (body: true), or the request is answered (false). */
void fsim_deadline_phase(fsim_deadline_t *d, struct MHD_Connection *mc, bool body);
/* How many connections the deadlines closed. */
unsigned long fsim_deadline_closed(fsim_deadline_t *d);

#endif /* !FSIM_SERVE_DEADLINE_H */
